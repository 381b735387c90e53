// The guided questions for private reflection (design.md §1), in the
// project's own words. Each has a short stable id that journal entries
// store, so ids must never be renamed or reused.
#pragma once

#include <span>
#include <string_view>

namespace inch::cli {

struct GuidedPrompt {
  std::string_view id;
  std::string_view text;
};

// All prompts, in the order of the method's baby steps.
std::span<const GuidedPrompt> GuidedPrompts();

// The prompt with `id`, or nullptr when there is none.
const GuidedPrompt* FindPrompt(std::string_view id);

}  // namespace inch::cli
