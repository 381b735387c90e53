// The consent gate's records are authenticated at rest (issue 8, point 3):
// each row of `pending` (which of my ops have not left, with their gate
// class), `releases` (the runs that have) and `consents` carries a MAC
// under a key derived from the shared subkey, binding the row's key and
// every value the gate reads. A row edited, added or moved without the key
// fails its check, and the Outbox then refuses to release anything.
// Invariant checked here as well: each of my ops is pending or covered by
// a release run, and no pending op is covered by one (pending + runs = my
// ops), so deleting a pending row cannot make a draft look released, nor
// an old pending row put back make a sent op look unsent.
#include <algorithm>
#include <cstdint>

#include "store/shared/shared_store_impl.hpp"

namespace inch::store {
namespace {

std::optional<std::int64_t> NullableInt(Statement& st, int col) {
  if (st.ColumnIsNull(col)) return std::nullopt;
  return st.ColumnInt(col);
}

}  // namespace

std::unexpected<Error> TamperedGate(std::string_view what) {
  return Fail(Errc::kCorrupt,
              "shared.db was changed outside inch (" + std::string(what) +
                  " does not check against this node's key), so nothing was "
                  "sent; restore the home folder from a backup");
}

crypto::RecordMac SharedDb::PendingMac(std::int64_t seq,
                                       std::optional<std::int64_t> gate,
                                       std::optional<std::int64_t> item) const {
  return crypto::MacRecord(record_key_, "pending", {seq, gate, item});
}

crypto::RecordMac SharedDb::ReleaseMac(std::int64_t first, std::int64_t seq,
                                       std::int64_t count) const {
  return crypto::MacRecord(record_key_, "releases", {first, seq, count});
}

crypto::RecordMac SharedDb::ConsentMac(std::int64_t author, std::int64_t kind,
                                       std::int64_t hlc,
                                       std::int64_t value) const {
  return crypto::MacRecord(record_key_, "consents", {author, kind, hlc, value});
}

Bytes AnswerPlaintext(std::uint64_t n, PrivateAnswer answer) {
  Bytes plain{static_cast<std::uint8_t>(answer)};
  for (int shift = 56; shift >= 0; shift -= 8)
    plain.push_back(static_cast<std::uint8_t>(n >> shift));
  return plain;
}

Bytes SharedDb::AnswerRowId(std::uint64_t n) const {
  const auto mac = crypto::MacRecord(record_key_, "private_answers",
                                     {static_cast<std::int64_t>(n)});
  return Bytes(mac.begin(), mac.end());
}

Status SharedDb::RecordConsent(int author, const proto::Op& op) {
  auto st = db().Prepare(
      "INSERT INTO consents(author, kind, hlc, value, mac) VALUES (?, ?, ?, ?,"
      " ?) ON CONFLICT(author, kind) DO UPDATE SET hlc = excluded.hlc,"
      " value = excluded.value, mac = excluded.mac"
      " WHERE excluded.hlc > consents.hlc");
  const auto kind = static_cast<std::int64_t>(op.consent().kind());
  // A partner's clock beyond what SQLite stores is capped, not wrapped.
  const auto hlc =
      static_cast<std::int64_t>(std::min<std::uint64_t>(op.hlc(), INT64_MAX));
  const auto on = static_cast<std::int64_t>(op.consent().on());
  st.Bind(1, author).Bind(2, kind).Bind(3, hlc).Bind(4, on);
  st.Bind(5, ByteView(ConsentMac(author, kind, hlc, on)));
  return st.Run();
}

Status SharedDb::MacGateRecordsV4() {
  struct Row {
    std::vector<std::optional<std::int64_t>> v;
  };
  auto collect = [&](const char* sql, int cols) -> Result<std::vector<Row>> {
    auto st = db().Prepare(sql);
    std::vector<Row> rows;
    for (;;) {
      auto more = st.Step();
      if (!more) return std::unexpected(more.error());
      if (!*more) break;
      Row r;
      for (int c = 0; c < cols; ++c) r.v.push_back(NullableInt(st, c));
      rows.push_back(std::move(r));
    }
    return rows;
  };
  auto update = [&](const char* sql, const crypto::RecordMac& mac,
                    std::initializer_list<std::int64_t> keys) -> Status {
    auto st = db().Prepare(sql);
    st.Bind(1, ByteView(mac));
    int i = 2;
    for (auto k : keys) st.Bind(i++, k);
    return st.Run();
  };
  auto pending = collect("SELECT seq, gate, item FROM pending", 3);
  if (!pending) return std::unexpected(pending.error());
  for (const Row& r : *pending) {
    if (auto s = update("UPDATE pending SET mac = ? WHERE seq = ?",
                        PendingMac(*r.v[0], r.v[1], r.v[2]), {*r.v[0]});
        !s) {
      return s;
    }
  }
  auto runs = collect("SELECT first, seq, count FROM releases", 3);
  if (!runs) return std::unexpected(runs.error());
  for (const Row& r : *runs) {
    if (auto s = update("UPDATE releases SET mac = ? WHERE first = ?",
                        ReleaseMac(*r.v[0], *r.v[1], *r.v[2]), {*r.v[0]});
        !s) {
      return s;
    }
  }
  auto consents = collect("SELECT author, kind, hlc, value FROM consents", 4);
  if (!consents) return std::unexpected(consents.error());
  for (const Row& r : *consents) {
    if (auto s = update(
            "UPDATE consents SET mac = ? WHERE author = ? AND kind = ?",
            ConsentMac(*r.v[0], *r.v[1], *r.v[2], *r.v[3]), {*r.v[0], *r.v[1]});
        !s) {
      return s;
    }
  }
  // Private answers: row ids become keyed hashes of the wish number.
  auto st = db().Prepare("SELECT n, answer FROM private_answers_v3");
  std::vector<std::pair<Bytes, Bytes>> moved;
  for (;;) {
    auto more = st.Step();
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    const auto n = static_cast<std::uint64_t>(st.ColumnInt(0));
    auto plain = crypto::Open(local_key_, st.ColumnBlob(1),
                              AsBytes(AtRestAd("answers", kPartner, n)));
    if (!plain) return Fail(Errc::kCorrupt, "a private answer does not open");
    if (plain->size() != 1 || (*plain)[0] < 1 || (*plain)[0] > 2) {
      crypto::Wipe(*plain);
      return Fail(Errc::kCorrupt, "a private answer does not open");
    }
    Bytes id = AnswerRowId(n);
    const Bytes moved_plain =
        AnswerPlaintext(n, static_cast<PrivateAnswer>((*plain)[0]));
    crypto::Wipe(*plain);
    Bytes sealed =
        crypto::Seal(local_key_, moved_plain, AsBytes("answers/" + ToHex(id)));
    moved.emplace_back(std::move(id), std::move(sealed));
  }
  for (const auto& [id, sealed] : moved) {
    auto ins =
        db().Prepare("INSERT INTO private_answers(id, answer) VALUES (?, ?)");
    if (auto s = ins.Bind(1, id).Bind(2, sealed).Run(); !s) return s;
  }
  return db().Exec("DROP TABLE private_answers_v3;");
}

Status SharedDb::RekeyDerived(const crypto::Secret& new_local,
                              const crypto::Secret& new_record) {
  if (auto s = CheckGateRecords(true); !s) return s;
  struct Remac {
    const char* select;
    const char* update;  // ?1 the new MAC, then the row's key columns
    const char* table;
    int fields, keys;
  };
  static constexpr Remac kTables[] = {
      {"SELECT seq, gate, item FROM pending",
       "UPDATE pending SET mac = ?1 WHERE seq = ?2", "pending", 3, 1},
      {"SELECT first, seq, count FROM releases",
       "UPDATE releases SET mac = ?1 WHERE first = ?2", "releases", 3, 1},
      {"SELECT author, kind, hlc, value FROM consents",
       "UPDATE consents SET mac = ?1 WHERE author = ?2 AND kind = ?3",
       "consents", 4, 2},
  };
  for (const Remac& t : kTables) {
    std::vector<std::vector<std::optional<std::int64_t>>> rows;
    {
      auto st = db().Prepare(t.select);
      for (;;) {
        auto more = st.Step();
        if (!more) return std::unexpected(more.error());
        if (!*more) break;
        std::vector<std::optional<std::int64_t>> r;
        for (int c = 0; c < t.fields; ++c) r.push_back(NullableInt(st, c));
        rows.push_back(std::move(r));
      }
    }
    for (const auto& r : rows) {
      crypto::RecordMac mac =
          t.fields == 3
              ? crypto::MacRecord(new_record, t.table, {r[0], r[1], r[2]})
              : crypto::MacRecord(new_record, t.table,
                                  {r[0], r[1], r[2], r[3]});
      auto up = db().Prepare(t.update);
      up.Bind(1, ByteView(mac));
      for (int k = 0; k < t.keys; ++k)
        up.Bind(2 + k, *r[static_cast<std::size_t>(k)]);
      if (auto s = up.Run(); !s) return s;
    }
  }
  // Private answers: a new row id (keyed hash of the wish number carried
  // inside) and a new seal.
  std::vector<std::pair<Bytes, Bytes>> answers;
  {
    auto st = db().Prepare("SELECT id, answer FROM private_answers");
    for (;;) {
      auto more = st.Step();
      if (!more) return std::unexpected(more.error());
      if (!*more) break;
      const Bytes id = st.ColumnBlob(0);
      auto plain = crypto::Open(local_key_, st.ColumnBlob(1),
                                AsBytes("answers/" + ToHex(id)));
      if (!plain || plain->size() != 9) {
        if (plain) crypto::Wipe(*plain);
        return Fail(Errc::kCorrupt, "a private answer does not open");
      }
      std::uint64_t n = 0;
      for (std::size_t i = 1; i < 9; ++i) n = (n << 8) | (*plain)[i];
      const auto mac = crypto::MacRecord(new_record, "private_answers",
                                         {static_cast<std::int64_t>(n)});
      Bytes new_id(mac.begin(), mac.end());
      Bytes sealed =
          crypto::Seal(new_local, *plain, AsBytes("answers/" + ToHex(new_id)));
      crypto::Wipe(*plain);
      answers.emplace_back(std::move(new_id), std::move(sealed));
    }
  }
  if (auto s = db().Exec("DELETE FROM private_answers;"); !s) return s;
  for (const auto& [id, sealed] : answers) {
    auto ins =
        db().Prepare("INSERT INTO private_answers(id, answer) VALUES (?, ?)");
    if (auto s = ins.Bind(1, id).Bind(2, sealed).Run(); !s) return s;
  }
  return {};
}

Status SharedDb::CheckGateRecords(bool pending_too) {
  if (pending_too) {
    auto st = db().Prepare("SELECT seq, gate, item, mac FROM pending");
    for (;;) {
      auto more = st.Step();
      if (!more) return std::unexpected(more.error());
      if (!*more) break;
      if (!crypto::MacMatches(st.ColumnBlob(3),
                              PendingMac(st.ColumnInt(0), NullableInt(st, 1),
                                         NullableInt(st, 2)))) {
        return TamperedGate("a change waiting to be sent");
      }
    }
  }
  {
    auto st = db().Prepare("SELECT first, seq, count, mac FROM releases");
    for (;;) {
      auto more = st.Step();
      if (!more) return std::unexpected(more.error());
      if (!*more) break;
      if (!crypto::MacMatches(
              st.ColumnBlob(3),
              ReleaseMac(st.ColumnInt(0), st.ColumnInt(1), st.ColumnInt(2)))) {
        return TamperedGate("the record of what was sent");
      }
    }
  }
  if (auto gate = Gate(); !gate) return std::unexpected(gate.error());
  // Pending + runs = my ops, checked where it can fail: an op outside every
  // run must be pending, and a pending op must exist and lie outside every
  // run. So only the gaps between runs are counted (the ops there are the
  // pending ones, plus any a disk edit hid); the released ops inside runs,
  // most of a big log, are not scanned again on every release pass.
  auto st = db().Prepare(
      "WITH r AS (SELECT seq AS lo, max(seq + count) OVER (ORDER BY seq ROWS"
      "  BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev FROM releases),"
      " gaps(lo, hi) AS (SELECT coalesce(prev, -9223372036854775807), lo"
      "  FROM r WHERE coalesce(prev, -9223372036854775807) < lo UNION ALL"
      "  SELECT coalesce((SELECT max(seq + count) FROM releases),"
      "  -9223372036854775807), 9223372036854775807)"
      " SELECT (SELECT coalesce(sum((SELECT count(*) FROM ops o WHERE"
      "  o.author = 0 AND o.seq >= g.lo AND o.seq < g.hi)), 0) FROM gaps g),"
      " (SELECT coalesce(sum((SELECT count(*) FROM pending p WHERE"
      "  p.seq >= g.lo AND p.seq < g.hi)), 0) FROM gaps g),"
      " (SELECT count(*) FROM pending),"
      " (SELECT count(*) FROM pending p WHERE NOT EXISTS (SELECT 1 FROM ops"
      "  o WHERE o.author = 0 AND o.seq = p.seq))");
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  const std::int64_t pending = st.ColumnInt(2);
  if (st.ColumnInt(0) != pending || st.ColumnInt(1) != pending ||
      st.ColumnInt(3) != 0) {
    return TamperedGate("the record of what was sent");
  }
  return {};
}

}  // namespace inch::store
