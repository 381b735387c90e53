// Bundle cursors (SyncPort::GetCursor / RaiseCursor): what a carried bundle
// needs to remember between runs, kept as rows 'cursor/<name>' of the meta
// key/value table (no schema change: a row that is missing reads as 0).
// StartAfresh deletes them, so each pairing starts from 0.
#include <limits>
#include <string_view>

#include "common/check.hpp"
#include "store/shared/shared_store_impl.hpp"

namespace inch::store {
namespace {

const char* KeyOf(Cursor which) {
  switch (which) {
    case Cursor::kPartnerHas:
      return "cursor/partner_has";
    case Cursor::kBundleWritten:
      return "cursor/bundle_written";
    case Cursor::kBundleRead:
      return "cursor/bundle_read";
  }
  INCH_CHECK(false);  // a Cursor value outside the enum is a programming error
  return "";
}

}  // namespace

Result<std::uint64_t> SharedSync::GetCursor(Cursor which) {
  auto st = impl_->db().Prepare("SELECT value FROM meta WHERE key = ?");
  st.Bind(1, std::string_view(KeyOf(which)));
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::uint64_t{0};
  const std::int64_t v = st.ColumnInt(0);
  if (v < 0) return Fail(Errc::kCorrupt, "shared store has a negative cursor");
  return static_cast<std::uint64_t>(v);
}

Status SharedSync::RaiseCursor(Cursor which, std::uint64_t value) {
  if (value >
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return Fail(Errc::kInvalidInput, "cursor value out of range");
  }
  return impl_->db()
      .Prepare(
          "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO "
          "UPDATE SET value = max(value, excluded.value)")
      .Bind(1, std::string_view(KeyOf(which)))
      .Bind(2, static_cast<std::int64_t>(value))
      .Run();
}

}  // namespace inch::store
