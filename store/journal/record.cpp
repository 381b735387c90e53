// Encoder and strict decoder for journal record format 1 (see record.hpp).
// The decoder runs only on authenticated plaintext, but still checks every
// length so a bug or a future format can never make it read out of bounds.
#include "store/journal/record.hpp"

#include <string>

#include "store/journal/utf8.hpp"

namespace inch::store::journal_record {
namespace {

constexpr std::uint8_t kKindEntry = 1;

void PutU32(Bytes& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
}

void PutI64(Bytes& out, std::int64_t v) {
  auto u = static_cast<std::uint64_t>(v);
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
  }
}

void PutString(Bytes& out, std::string_view s) {
  PutU32(out, static_cast<std::uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

// Bounds-checked reader over authenticated plaintext.
class Reader {
 public:
  explicit Reader(ByteView in) : in_(in) {}
  bool U8(std::uint8_t& v) {
    if (in_.size() - pos_ < 1) return false;
    v = in_[pos_++];
    return true;
  }
  bool U32(std::uint32_t& v) {
    if (in_.size() - pos_ < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      v |= static_cast<std::uint32_t>(in_[pos_ + static_cast<std::size_t>(i)])
           << (8 * i);
    }
    pos_ += 4;
    return true;
  }
  bool I64(std::int64_t& v) {
    if (in_.size() - pos_ < 8) return false;
    std::uint64_t u = 0;
    for (int i = 0; i < 8; ++i) {
      u |= static_cast<std::uint64_t>(in_[pos_ + static_cast<std::size_t>(i)])
           << (8 * i);
    }
    pos_ += 8;
    v = static_cast<std::int64_t>(u);
    return true;
  }
  // A length-prefixed UTF-8 string of at most `max` bytes.
  bool String(std::string& s, std::size_t max) {
    std::uint32_t len = 0;
    if (!U32(len) || len > max || in_.size() - pos_ < len) return false;
    s.assign(reinterpret_cast<const char*>(in_.data() + pos_), len);
    pos_ += len;
    return IsValidUtf8(s);
  }
  bool AtEnd() const { return pos_ == in_.size(); }

 private:
  ByteView in_;
  std::size_t pos_ = 0;
};

Bytes Ad(std::string_view s) { return Bytes(s.begin(), s.end()); }

}  // namespace

Bytes EntryAd(std::int64_t id, std::int64_t format) {
  return Ad("inch/journal/entries/" + std::to_string(id) + "/v" +
            std::to_string(format));
}

Bytes CanaryAd() { return Ad("inch/journal/meta/canary/v1"); }

Bytes EncodeRecord(const JournalEntry& entry) {
  Bytes out;
  out.reserve(32 + entry.text.size());
  out.push_back(kKindEntry);
  PutI64(out, entry.created_ms);
  PutI64(out, entry.updated_ms);
  PutString(out, entry.text);
  out.push_back(entry.prompt_id ? 1 : 0);
  if (entry.prompt_id) PutString(out, *entry.prompt_id);
  PutU32(out, static_cast<std::uint32_t>(entry.tags.size()));
  for (const auto& tag : entry.tags) PutString(out, tag);
  return out;
}

Result<JournalEntry> DecodeRecord(ByteView plain, std::int64_t id) {
  auto bad = [id] {
    return Fail(Errc::kCorrupt,
                "journal entry " + std::to_string(id) + " is malformed");
  };
  Reader r(plain);
  JournalEntry e;
  e.id = id;
  std::uint8_t kind = 0, has_prompt = 0;
  if (!r.U8(kind) || kind != kKindEntry) return bad();
  if (!r.I64(e.created_ms) || !r.I64(e.updated_ms)) return bad();
  if (!r.String(e.text, kMaxEntryBytes)) return bad();
  if (!r.U8(has_prompt) || has_prompt > 1) return bad();
  if (has_prompt) {
    std::string prompt;
    if (!r.String(prompt, kMaxPromptIdBytes)) return bad();
    e.prompt_id = std::move(prompt);
  }
  std::uint32_t count = 0;
  if (!r.U32(count) || count > kMaxTags) return bad();
  e.tags.resize(count);
  for (auto& tag : e.tags) {
    if (!r.String(tag, kMaxTagBytes)) return bad();
  }
  if (!r.AtEnd()) return bad();
  return e;
}

}  // namespace inch::store::journal_record
