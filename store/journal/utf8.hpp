// Strict UTF-8 validation for text that users type into the journal (and
// that other modules may reuse): rejects overlong forms, surrogates, code
// points above U+10FFFF and truncated sequences, per RFC 3629.
#pragma once

#include <string_view>

namespace inch::store {

// True when `s` is well-formed UTF-8 (the empty string is). Never fails
// otherwise: returns false for any malformed byte sequence.
bool IsValidUtf8(std::string_view s);

}  // namespace inch::store
