// Fuzz target for the journal record decoder (store/journal/record.hpp).
// The format is canonical, so anything DecodeRecord accepts must re-encode
// to exactly the input, and every limit must hold on what it returns.
#include <algorithm>

#include "fuzz/targets/fuzz_check.hpp"
#include "fuzz/targets/fuzz_targets.hpp"
#include "store/journal/journal.hpp"
#include "store/journal/record.hpp"

namespace inch::fuzz {

int FuzzJournalRecord(const std::uint8_t* data, std::size_t size) {
  constexpr std::int64_t kId = 42;
  const ByteView plain(data, size);
  auto entry = store::journal_record::DecodeRecord(plain, kId);
  if (!entry) {
    FUZZ_CHECK(entry.error().code == Errc::kCorrupt);
    return 0;
  }
  FUZZ_CHECK(entry->id == kId);
  FUZZ_CHECK(entry->text.size() <= store::kMaxEntryBytes);
  FUZZ_CHECK(entry->tags.size() <= store::kMaxTags);
  for (const auto& tag : entry->tags) {
    FUZZ_CHECK(tag.size() <= store::kMaxTagBytes);
  }
  if (entry->prompt_id) {
    FUZZ_CHECK(entry->prompt_id->size() <= store::kMaxPromptIdBytes);
  }
  Bytes again = store::journal_record::EncodeRecord(*entry);
  FUZZ_CHECK(
      std::equal(again.begin(), again.end(), plain.begin(), plain.end()));
  return 0;
}

}  // namespace inch::fuzz
