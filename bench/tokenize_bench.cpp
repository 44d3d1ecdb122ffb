// bench_tokenize: MB/s of glasses::tokenizer encoding English prose.
//
//   bench_tokenize TOKENIZER [--mb N] [--repeat R] [--text-out FILE]
//
// The prose is generated deterministically (a fixed word list with Zipf-like
// frequencies, sentences, commas, contractions, numbers and paragraphs),
// N MB of it (default 4); the text is encoded whole, then paragraph by
// paragraph (split at blank lines, as a caller encoding documents would),
// R times each (default 5), and the best times are reported. --text-out writes the text, so that
// bench/tokenize_reference.js measures the reference on the same bytes
// (bench/tokenize_side_by_side.sh runs both and prints the ratio).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "glasses/tokenizer/tokenizer.hpp"

namespace {

std::string prose(std::size_t bytes) {
  static const char* const kWords[] = {
      "the", "of", "and", "to", "a", "in", "that", "is", "was", "he", "for", "it", "with", "as", "his", "on", "be",
      "at", "by", "I", "had", "not", "are", "but", "from", "or", "have", "an", "they", "which", "one", "you", "were",
      "her", "all", "she", "there", "would", "their", "we", "him", "been", "has", "when", "who", "will", "more", "no",
      "if", "out", "so", "said", "what", "up", "its", "about", "into", "than", "them", "can", "only", "other", "new",
      "some", "could", "time", "these", "two", "may", "then", "do", "first", "any", "my", "now", "such", "like", "our",
      "over", "man", "me", "even", "most", "made", "after", "also", "did", "many", "before", "must", "through", "back",
      "years", "where", "much", "your", "way", "well", "down", "should", "because", "each", "just", "those", "people",
      "how", "too", "little", "state", "good", "very", "make", "world", "still", "own", "see", "men", "work", "long",
      "get", "here", "between", "both", "life", "being", "under", "never", "day", "same", "another", "know", "while",
      "last", "might", "us", "great", "old", "year", "off", "come", "since", "against", "go", "came", "right", "used",
      "take", "three", "house", "water", "morning", "letter", "garden", "river", "question", "answer", "window",
      "remembered", "understanding", "extraordinary", "neighbourhood", "conversation", "circumstances", "don't",
      "it's", "I'm", "they're", "we'll", "couldn't", "she'd", "London", "Elizabeth", "Mr.", "Darcy", "Thursday"};
  constexpr std::size_t kCount = sizeof kWords / sizeof kWords[0];
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  std::string text;
  text.reserve(bytes + 64);
  bool capital = true;
  int in_sentence = 0;
  while (text.size() < bytes) {
    // Zipf-like: the square of a uniform index favours the first words.
    const double u = static_cast<double>(next() % 1000000) / 1000000.0;
    std::string w = kWords[static_cast<std::size_t>(u * u * kCount) % kCount];
    if (next() % 50 == 0) w = std::to_string(next() % 2000);
    if (capital) w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
    capital = false;
    text += w;
    ++in_sentence;
    const std::uint64_t r = next() % 100;
    if (in_sentence > 6 && r < 12) {
      text += r < 9 ? "." : r < 11 ? "?" : "!";
      capital = true;
      in_sentence = 0;
      text += next() % 8 == 0 ? "\n\n" : " ";
    } else if (r < 20) {
      text += ", ";
    } else {
      text += ' ';
    }
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_tokenize TOKENIZER [--mb N] [--repeat R] [--text-out FILE]\n");
    return 2;
  }
  double mb = 4;
  int repeat = 5;
  const char* text_out = nullptr;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--mb")) mb = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--repeat")) repeat = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--text-out")) text_out = argv[i + 1];
  }
  const std::string text = prose(static_cast<std::size_t>(mb * 1e6));
  if (text_out) std::ofstream(text_out, std::ios::binary) << text;
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const auto tok = glasses::tokenizer::Tokenizer::load(argv[1]);
  const double load_s = std::chrono::duration<double>(Clock::now() - t0).count();
  double best = 1e30;
  std::size_t n_ids = 0;
  for (int r = 0; r < repeat; ++r) {
    const auto a = Clock::now();
    n_ids = tok.encode(text, false).size();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - a).count());
  }
  std::vector<std::string_view> paragraphs;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find("\n\n", at);
    if (end == std::string::npos) end = text.size();
    paragraphs.push_back(std::string_view(text).substr(at, end - at));
    at = end + 2;
  }
  double best_paragraphs = 1e30;
  std::size_t n_paragraph_ids = 0;
  for (int r = 0; r < repeat; ++r) {
    const auto a = Clock::now();
    n_paragraph_ids = 0;
    for (std::string_view p : paragraphs) n_paragraph_ids += tok.encode(p, false).size();
    best_paragraphs = std::min(best_paragraphs, std::chrono::duration<double>(Clock::now() - a).count());
  }
  const double mb_total = static_cast<double>(text.size()) / 1e6;
  std::printf("glasses: %.2f MB/s whole, %.2f MB/s by paragraph (%zu bytes, %zu / %zu ids, %zu paragraphs, "
              "best of %d: %.3f s / %.3f s; load %.2f s)\n",
              mb_total / best, mb_total / best_paragraphs, text.size(), n_ids, n_paragraph_ids, paragraphs.size(),
              repeat, best, best_paragraphs, load_s);
  return 0;
}
