// Searching bytes for a secret marker in every form it could leak in:
// raw text, lower/upper hex, and base64 (standard and URL-safe, at every
// alignment). Privacy tests write markers and assert they are found
// nowhere: not in stores, their -wal/-shm, temp files or wire recordings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace inch::test {

struct MarkerHit {
  std::string file;      // path, or "" for FindMarkerInBytes
  std::string encoding;  // "text", "hex", "HEX", "base64", "base64url"
};

// A fresh random marker: `prefix` followed by 24 random capital letters.
std::string RandomMarker(std::string_view prefix = "MARK");

// Every encoding of `marker` found in `haystack`.
std::vector<MarkerHit> FindMarkerInBytes(std::string_view haystack,
                                         std::string_view marker);

// Every regular file under `dir` (recursively, hidden files included) that
// holds `marker` in any encoding. Empty means not found anywhere.
std::vector<MarkerHit> FindMarkerInTree(const std::string& dir,
                                        std::string_view marker);

}  // namespace inch::test
