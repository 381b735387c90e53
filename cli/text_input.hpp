// Where an entry's text comes from: the argument, else $EDITOR when stdin
// is a terminal, else stdin when piped. The editor's temp file lives in a
// private 0700 folder (under $XDG_RUNTIME_DIR, a tmpfs, when there is one)
// and is zeroed and removed afterwards, with anything the editor left.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cli/home.hpp"
#include "common/error.hpp"

namespace inch::cli {

// Returns the text with trailing newlines removed. `initial` pre-fills the
// editor (for edit). kInvalidInput when the editor fails or stdin holds
// more than 1 MiB; kIo when the temp folder cannot be made. The store
// judges emptiness, size and UTF-8.
Result<std::string> ReadEntryText(const std::optional<std::string>& arg,
                                  std::string_view initial,
                                  const HomeFiles& home);

// Overwrites the string's bytes with zeros and clears it.
void WipeString(std::string& s);

}  // namespace inch::cli
