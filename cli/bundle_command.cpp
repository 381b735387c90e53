// `inch bundle write FILE` and `inch bundle read FILE`: the changes the
// partner lacks, carried in one sealed file when the two laptops are apart
// (net/bundle.hpp, docs/proposed/bundle.md).
#include <string>

#include "cli/commands.hpp"
#include "cli/home.hpp"
#include "cli/net_node.hpp"
#include "net/bundle.hpp"

namespace inch::cli {
namespace {

Status Write(Context& ctx, const std::string& path) {
  auto node = LoadNode(ctx);
  if (!node) return std::unexpected(node.error());
  auto store = node->OpenStore();
  if (!store) return std::unexpected(store.error());
  auto bundle = net::WriteBundle((*store)->sync(), node->identity.public_key);
  if (!bundle) return std::unexpected(bundle.error());
  const std::string_view bytes(
      reinterpret_cast<const char*>(bundle->file.data()), bundle->file.size());
  if (auto st = WriteFileAtomic(path, bytes); !st) return st;
  if (ctx.out().json()) {
    ctx.out().Json({{"file", path},
                    {"changes", bundle->ops},
                    {"bytes", bundle->file.size()},
                    {"more", bundle->more}});
    return {};
  }
  ctx.out().Line("Wrote " + std::to_string(bundle->ops) + " change(s) to " +
                 path + " (" +
                 std::to_string((bundle->file.size() + 1023) / 1024) +
                 " KiB, sealed for your partner's laptop only).");
  ctx.out().Line(
      "Carry it to your partner's laptop and run `inch bundle read " + path +
      "` there.");
  if (bundle->more) {
    ctx.out().Line(
        "More changes remain than fit one bundle: they follow in the next "
        "one, once you have read a bundle back from your partner's laptop "
        "(or synced over the network).");
  }
  return {};
}

Status Read(Context& ctx, const std::string& path) {
  auto node = LoadNode(ctx);
  if (!node) return std::unexpected(node.error());
  auto file = ReadFile(path, net::kMaxBundleFile + 1);
  if (!file) {
    if (file.error().code == Errc::kInvalidInput) {
      return Fail(Errc::kInvalidInput,
                  path + " is too large to be an inch bundle");
    }
    return std::unexpected(file.error());
  }
  auto store = node->OpenStore();
  if (!store) return std::unexpected(store.error());
  auto read = net::ReadBundle((*store)->sync(), node->identity.public_key,
                              AsBytes(*file));
  if (!read) return std::unexpected(read.error());
  const char* outcome = read->outcome == net::BundleOutcome::kDuplicate
                            ? "duplicate"
                        : read->outcome == net::BundleOutcome::kOld ? "old"
                                                                    : "read";
  if (ctx.out().json()) {
    ctx.out().Json({{"outcome", outcome},
                    {"received", read->applied},
                    {"already_here", read->duplicates},
                    {"refused", read->refused},
                    {"partner_unpaired", read->partner_unpaired}});
    return {};
  }
  switch (read->outcome) {
    case net::BundleOutcome::kDuplicate:
      ctx.out().Line(
          "This bundle was already read on this laptop; nothing changed.");
      return {};
    case net::BundleOutcome::kOld:
      ctx.out().Line(
          "This bundle is older than one already read on this laptop: "
          "everything in it is here already; nothing changed.");
      return {};
    case net::BundleOutcome::kApplied:
      break;
  }
  if (read->partner_unpaired) {
    ctx.out().Line("The partner unpaired; its data and keys are erased here.");
    return {};
  }
  ctx.out().Line(read->applied == 0
                     ? std::string("Read the bundle: nothing new in it.")
                     : "Read the bundle: " + std::to_string(read->applied) +
                           " new change(s) from your partner's laptop.");
  if (read->refused > 0) {
    ctx.out().Line(
        "This laptop set aside " + std::to_string(read->refused) +
        " change(s) from your partner's that it could not accept (too "
        "many, too large, or dated in the future); everything else "
        "arrived. Is your partner's clock right?");
  }
  return {};
}

}  // namespace

void RegisterBundleCommands(CLI::App& app, Context& ctx) {
  auto* bundle = app.add_subcommand(
      "bundle", "Carry changes on a USB stick or a shared folder");
  bundle->require_subcommand(1);
  auto write_path = std::make_shared<std::string>();
  auto* write = bundle->add_subcommand(
      "write", "Write what your partner's laptop lacks into FILE, sealed");
  write->add_option("FILE", *write_path, "the bundle to write")->required();
  write->callback([&ctx, write_path] {
    ctx.SetAction([&ctx, write_path] { return Write(ctx, *write_path); });
  });
  auto read_path = std::make_shared<std::string>();
  auto* read = bundle->add_subcommand(
      "read", "Read a bundle your partner's laptop wrote");
  read->add_option("FILE", *read_path, "the bundle to read")->required();
  read->callback([&ctx, read_path] {
    ctx.SetAction([&ctx, read_path] { return Read(ctx, *read_path); });
  });
}

}  // namespace inch::cli
