// An unkeyed BLAKE2b digest for names derived from data (the agent's socket
// name from the home path), never for keys or MACs: those have their own
// labelled constructions in crypto/.
#pragma once

#include <cstddef>

#include "common/bytes.hpp"

namespace inch::crypto {

// BLAKE2b of `data` with a `size`-byte output (1..64; aborts otherwise).
Bytes NameDigest(ByteView data, std::size_t size);

}  // namespace inch::crypto
