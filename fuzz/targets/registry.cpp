// The list of fuzz targets, shared by the replay test and the seed
// generator so a new target cannot be forgotten by either.
#include <array>

#include "fuzz/targets/fuzz_targets.hpp"

namespace inch::fuzz {

std::span<const Target> AllTargets() {
  static constexpr std::array<Target, 8> kTargets{{
      {"frame", &FuzzFrame},
      {"wire_message", &FuzzWireMessage},
      {"wire_op", &FuzzWireOp},
      {"op", &FuzzOp},
      {"journal_record", &FuzzJournalRecord},
      {"node_file", &FuzzNodeFile},
      {"handshake", &FuzzHandshake},
      {"pairing", &FuzzPairing},
  }};
  return kTargets;
}

}  // namespace inch::fuzz
