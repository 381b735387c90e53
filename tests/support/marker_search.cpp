// Marker search in every encoding; see marker_search.hpp.
#include "marker_search.hpp"

#include <filesystem>
#include <random>

#include "inch_process.hpp"

namespace inch::test {
namespace {

std::string Base64(std::string_view in, bool url) {
  static constexpr char kStd[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static constexpr char kUrl[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const char* table = url ? kUrl : kStd;
  std::string out;
  // Only whole 3-byte groups: their characters do not depend on what
  // surrounds the marker, so they appear verbatim in any enclosing encoding.
  for (std::size_t i = 0; i + 3 <= in.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16 |
                 static_cast<unsigned char>(in[i + 1]) << 8 |
                 static_cast<unsigned char>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(table[(v >> s) & 63]);
  }
  return out;
}

std::string Hex(std::string_view in, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (unsigned char c : in) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

}  // namespace

std::string RandomMarker(std::string_view prefix) {
  static std::random_device rd;
  std::string m(prefix);
  for (int i = 0; i < 24; ++i) {
    m.push_back(static_cast<char>('A' + rd() % 26));
  }
  return m;
}

std::vector<MarkerHit> FindMarkerInBytes(std::string_view haystack,
                                         std::string_view marker) {
  std::vector<MarkerHit> hits;
  auto look = [&](const std::string& needle, const char* encoding) {
    if (!needle.empty() && haystack.find(needle) != std::string_view::npos) {
      hits.push_back({"", encoding});
    }
  };
  look(std::string(marker), "text");
  look(Hex(marker, false), "hex");
  look(Hex(marker, true), "HEX");
  // A marker inside longer data starts at one of three offsets within a
  // base64 group: skip 0, 1 or 2 of its bytes to realign.
  for (std::size_t skip = 0; skip < 3 && skip < marker.size(); ++skip) {
    look(Base64(marker.substr(skip), false), "base64");
    look(Base64(marker.substr(skip), true), "base64url");
  }
  return hits;
}

std::vector<MarkerHit> FindMarkerInTree(const std::string& dir,
                                        std::string_view marker) {
  std::vector<MarkerHit> hits;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string path = it->path().string();
    for (MarkerHit h : FindMarkerInBytes(ReadFileBytes(path), marker)) {
      h.file = path;
      hits.push_back(h);
    }
  }
  return hits;
}

}  // namespace inch::test
