// Check words: four words both partners see after pairing (and in
// `inch status`), derived from the pair secret and both public keys, so a
// man-in-the-middle cannot make two screens agree. The word list is ours:
// 256 short, distinct, everyday words, one byte each.
#include "crypto/check_words.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "common/check.hpp"

namespace inch::crypto {
namespace {

constexpr std::array<std::string_view, 256> kWords = {
    "acorn",    "amber",    "anchor",   "apple",    "apricot", "apron",
    "arrow",    "aspen",    "atlas",    "autumn",   "badge",   "bakery",
    "bamboo",   "banjo",    "barley",   "basil",    "basket",  "beacon",
    "beetle",   "berry",    "birch",    "biscuit",  "bison",   "blanket",
    "blossom",  "bonfire",  "bottle",   "branch",   "breeze",  "brick",
    "bridge",   "brook",    "bucket",   "butter",   "button",  "cabin",
    "cactus",   "camel",    "candle",   "canoe",    "canvas",  "canyon",
    "carrot",   "castle",   "cedar",    "cello",    "chalk",   "cherry",
    "chess",    "chimney",  "cider",    "cinnamon", "cloud",   "clover",
    "cobble",   "comet",    "compass",  "copper",   "coral",   "cotton",
    "cradle",   "crayon",   "cricket",  "crystal",  "cupcake", "curtain",
    "daisy",    "dawn",     "delta",    "denim",    "desert",  "dolphin",
    "dragon",   "drum",     "dune",     "eagle",    "echo",    "elbow",
    "ember",    "emerald",  "falcon",   "feather",  "fennel",  "fern",
    "fiddle",   "field",    "fig",      "firefly",  "flame",   "flute",
    "forest",   "fossil",   "fountain", "fox",      "galaxy",  "garden",
    "garnet",   "ginger",   "glacier",  "globe",    "gondola", "granite",
    "grape",    "gravel",   "guitar",   "hammock",  "harbor",  "harp",
    "hazel",    "hedge",    "heron",    "hickory",  "honey",   "horizon",
    "island",   "ivory",    "ivy",      "jacket",   "jasmine", "jelly",
    "jigsaw",   "juniper",  "kayak",    "kettle",   "kite",    "kiwi",
    "ladder",   "lagoon",   "lantern",  "lark",     "lemon",   "lilac",
    "linen",    "lotus",    "lumber",   "lychee",   "magnet",  "mango",
    "maple",    "marble",   "meadow",   "melon",    "meteor",  "mint",
    "mitten",   "molar",    "mosaic",   "moss",     "muffin",  "mural",
    "nectar",   "needle",   "nest",     "nickel",   "noodle",  "nutmeg",
    "oak",      "oasis",    "ocean",    "olive",    "onyx",    "orchid",
    "otter",    "owl",      "paddle",   "pancake",  "panda",   "paper",
    "parrot",   "pebble",   "pepper",   "piano",    "pillow",  "pine",
    "planet",   "plum",     "pocket",   "pony",     "poppy",   "prairie",
    "pretzel",  "pumpkin",  "quail",    "quartz",   "quill",   "quilt",
    "rabbit",   "radish",   "rain",     "raven",    "reef",    "ribbon",
    "river",    "robin",    "rocket",   "rose",     "ruby",    "saddle",
    "saffron",  "sage",     "salmon",   "sandal",   "satin",   "scarf",
    "seashell", "shadow",   "sierra",   "silver",   "sketch",  "sled",
    "slipper",  "snow",     "sonnet",   "sparrow",  "spice",   "spruce",
    "squash",   "star",     "stone",    "summit",   "sunset",  "swan",
    "tablet",   "tango",    "teapot",   "thimble",  "thistle", "thunder",
    "tiger",    "timber",   "toast",    "topaz",    "tulip",   "tundra",
    "turnip",   "umbrella", "valley",   "velvet",   "violet",  "violin",
    "wafer",    "waffle",   "walnut",   "walrus",   "wander",  "willow",
    "window",   "winter",   "wombat",   "wren",     "yarn",    "yodel",
    "zebra",    "zephyr",   "zinnia",   "zucchini",
};

}  // namespace

std::vector<std::string> CheckWords(const Secret& pair_secret, ByteView key_a,
                                    ByteView key_b) {
  INCH_CHECK(!pair_secret.empty() && pair_secret.size() <= 64);
  // Order the keys so both sides hash the same bytes whatever their role.
  ByteView low = key_a, high = key_b;
  if (std::lexicographical_compare(high.begin(), high.end(), low.begin(),
                                   low.end())) {
    std::swap(low, high);
  }
  static constexpr std::string_view kLabel = "inch/1 check words";
  std::array<std::uint8_t, 32> digest{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, pair_secret.data(), pair_secret.size(),
                          digest.size());
  crypto_generichash_update(
      &st, reinterpret_cast<const unsigned char*>(kLabel.data()),
      kLabel.size());
  crypto_generichash_update(&st, low.data(), low.size());
  crypto_generichash_update(&st, high.data(), high.size());
  crypto_generichash_final(&st, digest.data(), digest.size());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < kCheckWordCount; ++i) {
    out.emplace_back(kWords[digest[i]]);
  }
  return out;
}

std::string JoinWords(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

}  // namespace inch::crypto
