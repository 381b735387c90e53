// Edge checks and the wire envelope for shared ops; see op_codec.hpp.
#include "store/shared/op_codec.hpp"

#include <sodium.h>

#include <algorithm>
#include <string>

#include "common/check.hpp"
#include "crypto/aead.hpp"
#include "crypto/op_key.hpp"

namespace inch::store {
namespace {

std::unexpected<Error> Bad(const std::string& why) {
  return Fail(Errc::kProtocol, "invalid op from partner: " + why);
}

Status ShapeText(const std::string& text) {
  if (!ValidateText(text)) return Bad("text is empty, too long or not UTF-8");
  return {};
}

}  // namespace

bool IsUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

Status ValidateText(std::string_view text) {
  if (text.empty()) return Fail(Errc::kInvalidInput, "text is empty");
  if (text.size() > kMaxTextBytes) {
    return Fail(Errc::kInvalidInput, "text is longer than 4 KiB");
  }
  if (!IsUtf8(text) || text.find('\0') != std::string_view::npos) {
    return Fail(Errc::kInvalidInput, "text is not valid UTF-8");
  }
  return {};
}

crypto::Secret PairOpKey(const crypto::Secret& pair_secret) {
  return crypto::DeriveOpKey(pair_secret);
}

Bytes SealWireOp(const crypto::Secret& op_key, ByteView author_public_key,
                 const proto::Op& op) {
  std::string plain;
  INCH_CHECK(op.SerializeToString(&plain));
  Bytes plain_bytes(plain.begin(), plain.end());
  Bytes sealed = crypto::SealPadded(op_key, plain_bytes,
                                    crypto::OpAd(author_public_key, op.seq()),
                                    kWirePadBucket);
  crypto::Wipe(plain_bytes);
  sodium_memzero(plain.data(), plain.size());
  Bytes wire(8);
  for (int i = 0; i < 8; ++i)
    wire[i] = static_cast<std::uint8_t>(op.seq() >> (8 * (7 - i)));
  wire.insert(wire.end(), sealed.begin(), sealed.end());
  return wire;
}

std::optional<std::uint64_t> PeekWireSeq(ByteView wire) {
  if (wire.size() < 8 + crypto::kSealOverhead ||
      wire.size() > kMaxWireOpBytes) {
    return std::nullopt;
  }
  std::uint64_t seq = 0;
  for (int i = 0; i < 8; ++i) seq = (seq << 8) | wire[i];
  return seq;
}

Result<proto::Op> OpenWireOp(const crypto::Secret& op_key,
                             ByteView author_public_key, ByteView wire,
                             Bytes* padded) {
  if (padded != nullptr) padded->clear();
  auto seq = PeekWireSeq(wire);
  if (!seq) return Bad("wrong size");
  auto plain = crypto::Open(op_key, wire.subspan(8),
                            crypto::OpAd(author_public_key, *seq));
  if (!plain) return Bad("does not open under the pair key");
  // As crypto::OpenPadded, keeping the padded buffer: a whole number of
  // buckets first (sodium_unpad must not see an empty buffer).
  std::size_t len = 0;
  if (plain->size() < kWirePadBucket || plain->size() % kWirePadBucket != 0 ||
      sodium_unpad(&len, plain->data(), plain->size(), kWirePadBucket) != 0) {
    crypto::Wipe(*plain);
    return Bad("does not open under the pair key");
  }
  proto::Op op;
  bool parsed = op.ParseFromArray(plain->data(), static_cast<int>(len));
  if (!parsed || op.seq() != *seq || padded == nullptr) {
    crypto::Wipe(*plain);
  } else {
    *padded = std::move(*plain);
  }
  if (!parsed) return Bad("does not parse");
  if (op.seq() != *seq) return Bad("sequence number mismatch");
  return op;
}

Status ValidateShape(const proto::Op& op) {
  if (op.hlc() == 0) return Bad("no clock");
  auto n_ok = [](std::uint64_t n) { return n >= 1 && n < (1ull << 62); };
  switch (op.body_case()) {
    case proto::Op::kCreate: {
      const auto& c = op.create();
      if (!n_ok(c.n())) return Bad("bad item number");
      if (auto s = ShapeText(c.text()); !s) return s;
      if (c.type() == proto::WISH) {
        if (c.importance() < 1 || c.importance() > 5)
          return Bad("importance outside 1-5");
        if (c.has_for_item() || c.has_smaller_than())
          return Bad("a wish with references");
      } else if (c.type() == proto::GIVE) {
        if (c.size() < proto::SMALL || c.size() > proto::LARGE)
          return Bad("unknown size");
        if (c.has_for_item() &&
            (!c.for_item().other() || !n_ok(c.for_item().n()))) {
          return Bad("a give for something that is not the partner's wish");
        }
        if (c.has_smaller_than() && !n_ok(c.smaller_than().n()))
          return Bad("bad reference");
      } else {
        return Bad("unknown item type");
      }
      return {};
    }
    case proto::Op::kEdit: {
      const auto& e = op.edit();
      if (!n_ok(e.n())) return Bad("bad item number");
      if (e.has_text()) {
        if (auto s = ShapeText(e.text()); !s) return s;
      }
      if (e.has_importance() && (e.importance() < 1 || e.importance() > 5)) {
        return Bad("importance outside 1-5");
      }
      if (e.has_size() &&
          (e.size() < proto::SMALL || e.size() > proto::LARGE)) {
        return Bad("unknown size");
      }
      return {};
    }
    case proto::Op::kShare:
      return n_ok(op.share().n()) ? Status{} : Bad("bad item number");
    case proto::Op::kWithdraw:
      return n_ok(op.withdraw().n()) ? Status{} : Bad("bad item number");
    case proto::Op::kRespond: {
      const auto k = op.respond().kind();
      if (k != proto::CHOSEN && k != proto::DONE && k != proto::THANKED) {
        return Bad("unknown response");
      }
      return n_ok(op.respond().n()) ? Status{} : Bad("bad item number");
    }
    case proto::Op::kConsent: {
      const auto k = op.consent().kind();
      return k == proto::LISTS || k == proto::NOTES ? Status{}
                                                    : Bad("unknown consent");
    }
    case proto::Op::kNote:
      if (!n_ok(op.note().n())) return Bad("bad item number");
      return ShapeText(op.note().text());
    case proto::Op::kUnpair:
    case proto::Op::kErased:
      return {};
    case proto::Op::BODY_NOT_SET:
      break;
  }
  return Bad("empty or unknown op");
}

OpClass ClassOf(const proto::Op& op) {
  switch (op.body_case()) {
    case proto::Op::kRespond:
      return OpClass::kResponse;
    case proto::Op::kNote:
      return OpClass::kNote;
    case proto::Op::kWithdraw:
      return OpClass::kWithdrawal;
    case proto::Op::kConsent:
      return OpClass::kConsent;
    case proto::Op::kUnpair:
      return OpClass::kUnpair;
    default:
      return OpClass::kListItem;
  }
}

std::optional<std::pair<bool, std::uint64_t>> ItemOf(const proto::Op& op) {
  switch (op.body_case()) {
    case proto::Op::kCreate:
      return std::pair{false, op.create().n()};
    case proto::Op::kEdit:
      return std::pair{false, op.edit().n()};
    case proto::Op::kShare:
      return std::pair{false, op.share().n()};
    case proto::Op::kWithdraw:
      return std::pair{false, op.withdraw().n()};
    case proto::Op::kNote:
      return std::pair{false, op.note().n()};
    case proto::Op::kRespond:
      return std::pair{true, op.respond().n()};
    default:
      return std::nullopt;
  }
}

}  // namespace inch::store
