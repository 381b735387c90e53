// Creating a node in a home: what `inch init` and the web interface's
// first run both call, so a node is made one way only.
#pragma once

#include <string>

#include "cli/home.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"

namespace inch::cli {

// Creates the home folder (if needed), a new identity and master key
// wrapped by `passphrase`, the private journal and the shared store, and
// node.json last (its presence is what makes a node). Returns the node's
// id. kExists when `files` already holds a node; nothing is left behind
// when writing node.json fails.
Result<std::string> CreateNode(const HomeFiles& files,
                               const crypto::Secret& passphrase);

}  // namespace inch::cli
