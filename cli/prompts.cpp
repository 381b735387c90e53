// The guided prompts' text. Written for one person reflecting alone: warm,
// plain, about "me" and "us", never about scoring the partner.
#include "cli/prompts.hpp"

#include <array>

namespace inch::cli {
namespace {

constexpr std::array<GuidedPrompt, 15> kPrompts{{
    {"connection",
     "What does feeling connected to my partner mean to me on an ordinary "
     "day?"},
    {"more-of", "What would I love more of between us?"},
    {"less-of", "What would I like less of between us?"},
    {"i-contribute",
     "How do I help closeness grow between us? What do I already do that "
     "works?"},
    {"i-block",
     "How do I get in the way of closeness, even when I don't mean to?"},
    {"reaches-me",
     "Which small, specific things could my partner do that would really "
     "reach me?"},
    {"feel-loved",
     "When did I last feel truly cared for by my partner? What was "
     "happening?"},
    {"closeness",
     "What do touch, closeness or sex mean to me, beyond the act itself?"},
    {"waiting",
     "Where are we each waiting for the other to go first? What could I "
     "offer without waiting?"},
    {"willing-to-give",
     "Looking at what my partner longs for, what am I willing to give, "
     "gladly?"},
    {"smaller-step",
     "Something feels too big to offer yet. What smaller step am I willing "
     "to take?"},
    {"resentment",
     "Is there a resentment I'm ready to put down? What would help me let "
     "it go?"},
    {"grateful",
     "What did my partner do lately that I'm grateful for? How could I "
     "tell them, specifically?"},
    {"check-in",
     "How are we doing lately? What would I like to bring to our next "
     "check-in?"},
    {"time-together",
     "What would make our time together feel like ours? What could we put "
     "in the calendar?"},
}};

}  // namespace

std::span<const GuidedPrompt> GuidedPrompts() { return kPrompts; }

const GuidedPrompt* FindPrompt(std::string_view id) {
  for (const GuidedPrompt& p : kPrompts) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

}  // namespace inch::cli
