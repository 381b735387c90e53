// A planted boundary violation for the self-tests: it includes and calls
// journal code as a net/ file must not. Never part of the product.
#include "store/journal/record.hpp"

namespace inch::net {

// Called by nothing; --whole-archive-like linking of this object still
// needs the journal symbol, which the net-only link line does not provide.
Bytes PlantedJournalUse() { return store::journal_record::CanaryAd(); }

}  // namespace inch::net
