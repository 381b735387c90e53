// What outlives one pairing's keys: the pairing generation, which every
// SetPartner and ErasePartner bumps (in StartAfresh, inside their
// transaction), so that a daemon watching shared.db re-reads the pin and
// the pair secret only when they may have changed.
#include "store/shared/shared_store_impl.hpp"

namespace inch::store {

Result<std::uint64_t> SharedStore::PairingGeneration() {
  auto v = impl_->Meta("pairings");
  if (!v) return std::unexpected(v.error());
  return static_cast<std::uint64_t>(*v);
}

}  // namespace inch::store
