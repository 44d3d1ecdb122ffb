// LaTeX text: escaping user text and formatting numbers.
//
// Two kinds of strings meet in a report, and every field in this library says
// which one it holds:
//
//   user text   anything a user typed or a file contained (suite names, model
//               paths, prompts, format strings). It goes through `escape()`
//               (or `code()` for monospace) and is then safe to paste anywhere
//               text is allowed.
//   LaTeX       text written by the program (captions, paragraphs, labels),
//               with user parts already escaped and numbers produced by the
//               `format_*` functions below, never typed by hand (STYLE B.6.15).
//
// What `escape()` guarantees, for every input byte string:
//  1. The result compiles in a pdflatex document that uses `preamble()` (the
//     Document writer always does), in normal text, in \texttt, in a caption
//     and in a section title, and never ends a paragraph.
//  2. Every printable ASCII character is shown as itself and pdftotext gives
//     it back: the ten specials \ { } $ & # ^ _ ~ % by their escapes, and
//     < > | " ' ` - by forms that defeat the OT1 font's surprises (in OT1 `<`
//     prints an inverted exclamation mark, `|` an em dash, `--` an en dash,
//     `"` a closing curly quote). [ and ] are braced so that text following
//     \item or \\ is never read as an optional argument.
//  3. Tab, line feed and carriage return become one space each (LaTeX would
//     treat them as spaces anyway; a blank line would end a paragraph).
//     Every other control character (U+0000-U+001F, U+007F) is shown
//     visibly as \xHH (for example BEL prints as `\x07`), never dropped.
//  4. Valid UTF-8 is kept byte for byte when the character is in
//     `unicode_characters()` (Latin-1 and Latin Extended-A letters, Greek,
//     common punctuation, arrows and mathematical symbols), which `preamble()`
//     declares for inputenc. A valid character outside that table would stop
//     pdflatex ("Unicode character ... not set up for use with LaTeX"); it is
//     shown as [U+XXXX] instead.
//  5. Invalid UTF-8 (stray continuation bytes, overlong forms, surrogates,
//     code points above U+10FFFF, truncated sequences) is replaced by U+FFFD,
//     one per maximal ill-formed subpart (Unicode §3.9, "U+FFFD substitution
//     of maximal subparts"); the preamble draws U+FFFD as a boxed `?`.
//
// Things you should know
//  1. Fonts. The only Type 1 fonts in Debian's texlive-latex-base/-recommended
//     are Computer Modern in the OT1/OML/OMS encodings (no cm-super, no
//     lmodern), so the documents use OT1. TS1 symbols and the T1 encoding
//     exist only as METAFONT sources, and since LaTeX 2020 TS1 is where
//     \textdollar (so `\$`), \S, \P, \dag, \textbullet, \copyright,
//     \textdegree and \textquotesingle come from: LaTeX would silently embed
//     bitmap fonts and write them into ~/.texlive. The preamble therefore
//     defines every character it supports from OT1/OML/OMS glyphs, and
//     build_pdf() turns any remaining bitmap font into a build error. In
//     hand-written LaTeX use the math forms ($\S$, $\dagger$, $^\circ$).
//  2. pdftotext gives back the *typeset* character: é arrives as e + U+0301
//     (an accent over a letter), ° as U+25E6, Ł as L (the stroke is drawn
//     separately), ℝ as R, and the Greek capitals that look Latin (Α, Β, ...)
//     as the Latin letters they are drawn with. ASCII, lowercase Greek and
//     the mathematical symbols come back as themselves (tested).
//  3. In \texttt, escape()'s \{ \} \textbackslash \textless \textgreater
//     \textbar come from the roman symbol fonts (a harmless "Font shape
//     OMS/cmtt/m/n undefined" warning); code() uses the typewriter glyphs.
//  4. `format_*` return math-mode content without delimiters so that they
//     compose (`"$n = " + format_integer(n) + "$"`); `math()` wraps one.
#pragma once

#include <array>
#include <charconv>
#include <concepts>
#include <span>
#include <string>
#include <string_view>

namespace glasses::reports {

// A non-ASCII character the preamble can typeset, and how.
struct UnicodeCharacter {
  char32_t code_point;
  std::string_view latex;  // LaTeX in OT1/OML/OMS terms, text mode
};

// Every non-ASCII character that `escape()` and `code()` keep (guarantee 4),
// sorted by code point: the table kUnicodeCharacters of latex.cpp.
std::span<const UnicodeCharacter> unicode_characters();

// The lines a document's preamble needs for escaped text: inputenc
// declarations of unicode_characters() and the OT1 versions of \textdollar,
// \textunderscore,
// \textasciitilde, \textasciicircum, \textquotedbl, \textquotesingle and
// \textasciigrave whose glyphs pdftotext reads back as ASCII. Needs amsmath
// and amssymb (for the blackboard letters); pdflatex only.
std::string preamble();

// User text -> LaTeX for normal text (guarantees 1-5 above).
std::string escape(std::string_view user_text);

// User text -> `\texttt{...}` showing every printable ASCII character as the
// typewriter glyph of that character (straight quotes, real underscore),
// spaces kept (runs are not collapsed), and a permitted line break after
// each `/` so long paths wrap. Other characters as in escape().
std::string code(std::string_view user_text);

// $...$ around math-mode content, as \ensuremath{...} (works in text and math).
std::string math(std::string_view math_content);

// x with `significant` digits (1..17), rounded to nearest, math content.
// Fixed notation when the decimal exponent e of the rounded value satisfies
// -3 <= e < significant (so no digit is invented: 123456 with 3 digits is
// 1.23\times10^{5}), scientific otherwise:
//   1e-5, 3  -> 1.00\times10^{-5}     0.00123, 3 -> 0.00123
//   1.5, 3   -> 1.50                  123456, 6  -> 123456
//   0 -> 0, -0.0 -> -0 (the sign of zero is information in this project),
//   inf -> \infty, -inf -> -\infty, NaN -> \mathrm{NaN}.
// Throws InputError if significant is outside 1..17.
std::string format_number(double x, int significant);

// As format_number but always d.dd\times10^{e} (also for e = 0), for columns
// whose entries should line up.
std::string format_scientific(double x, int significant);

// The shortest decimal that reads back as exactly x (std::to_chars), e.g.
// 0.1 -> 0.1, 2^-11 -> 0.00048828125, 1e-300 -> 1\times10^{-300}.
std::string format_shortest(double x);

// 2^{e}, e.g. -11 -> 2^{-11}.
std::string format_power_of_two(int e);

// An integer in decimal, minus sign in math: -12 -> -12. No digit grouping.
template <std::integral Int>
  requires(!std::same_as<Int, bool>)
std::string format_integer(Int value) {
  std::array<char, 24> buffer{};
  const std::to_chars_result r = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), r.ptr);
}

}  // namespace glasses::reports
