// A planted violation for the self-test of check_net_no_files.cmake: a
// net/ file that names a store file and opens it itself. Never compiled.
#include <fstream>

namespace inch::net {

bool PlantedStoreRead() { return std::ifstream("shared.db").good(); }

}  // namespace inch::net
