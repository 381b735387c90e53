// The one error type that crosses module boundaries: a short closed set of
// codes plus a human message with context. Functions that can fail on bad
// input return Result<T>; broken invariants abort instead (see check.hpp).
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace inch {

enum class Errc {
  kInvalidInput,     // bad argument, text, id or file from the user
  kNotFound,         // unknown id, missing home or store
  kExists,           // would overwrite something (second init, second partner)
  kLocked,           // no key available (not unlocked, no passphrase given)
  kWrongPassphrase,  // passphrase did not unwrap the master key
  kCorrupt,          // a store or key file failed its integrity check
  kTooNew,           // a file written by a newer inch
  kPermission,       // loose permissions on the home or its files
  kIo,               // the OS refused (disk full, read error)
  kCrypto,           // authentication failed, low-order point, ...
  kProtocol,         // a peer sent something malformed or out of order
  kConsent,          // the consent rules forbid the action
  kUnreachable,      // the partner could not be reached
  kUsage,            // command-line usage error
  kRollback,         // this node's log is behind what the partner holds
};

struct Error {
  Errc code;
  std::string message;
};

// Result<T> is std::expected<T, Error> made [[nodiscard]]: libstdc++ 12
// does not mark std::expected so, and an alias cannot carry the attribute,
// so a thin class adds it. Ignoring a Result is then a compile error
// (-Werror); where ignoring is right, say so with a commented `(void)`.
template <class T>
class [[nodiscard]] Result : public std::expected<T, Error> {
  using Base = std::expected<T, Error>;

 public:
  using Base::Base;  // values, std::unexpected, other Results
  constexpr Result() = default;
  constexpr Result(const Base& b) : Base(b) {}
  constexpr Result(Base&& b) : Base(std::move(b)) {}
};
using Status = Result<void>;

// Builds the unexpected value: `return Fail(Errc::kNotFound, "no entry 7");`
inline std::unexpected<Error> Fail(Errc code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

// Prefixes context to an error while passing it on.
inline std::unexpected<Error> Wrap(const Error& e, const std::string& context) {
  return std::unexpected(Error{e.code, context + ": " + e.message});
}

}  // namespace inch
