// Getting a passphrase from the person: from a file (scripts and tests) or
// typed on the terminal without echo. Never from a command-line argument,
// which other users can read in /proc.
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"
#include "crypto/secret.hpp"

namespace inch::cli {

// The first line of `path`, trailing "\n" or "\r\n" stripped, in guarded
// memory. kNotFound/kIo when the file cannot be read, kInvalidInput when the
// line is empty or longer than 1 KiB.
Result<crypto::Secret> ReadPassphraseFile(const std::string& path);

// True when stdin is a terminal (so we may prompt).
bool StdinIsTerminal();

// Prints `prompt` on stderr and reads one line from the terminal on stdin
// with echo off (restored afterwards, also on Ctrl-C). kIo if the terminal
// cannot be read, kInvalidInput for an empty or over-long line.
Result<crypto::Secret> PromptPassphrase(std::string_view prompt);

}  // namespace inch::cli
