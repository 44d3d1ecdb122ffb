#include "glasses/reports/latex.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <system_error>

#include "glasses/numerics/error.hpp"

namespace glasses::reports {
namespace {

// The one table of non-ASCII characters (sorted; a test checks the order and
// compiles every entry). Definitions use only OT1/OML/OMS glyphs, see "Things
// you should know" 1 in latex.hpp: no TS1 (\textdegree, \textcopyright,
// \textbullet, \S, \P, \dag, \pounds all fall back to TS1 bitmaps in OT1),
// no T1-only letters (ð, þ, ogonek). Quotes and dashes are braced so that
// neighbouring characters cannot form a ligature with them.
// A plain array: clang 14 cannot deduce std::array's size from 346
// initialisers (fold-expression nesting limit of 256).
constexpr UnicodeCharacter kUnicodeCharacters[] = {
    // Latin-1 Supplement
    UnicodeCharacter{0x00A0, R"(~)"},
    UnicodeCharacter{0x00A1, R"(\textexclamdown{})"},
    UnicodeCharacter{0x00A3, R"(\ensuremath{\pounds})"},
    UnicodeCharacter{0x00A7, R"(\ensuremath{\S})"},
    UnicodeCharacter{0x00A8, R"(\"{})"},
    UnicodeCharacter{0x00A9, R"({\ooalign{\hfil\raise.07ex\hbox{c}\hfil\crcr\ensuremath{\bigcirc}}})"},
    UnicodeCharacter{0x00AC, R"(\ensuremath{\neg})"},
    UnicodeCharacter{0x00AD, R"(\-)"},
    UnicodeCharacter{0x00AF, R"(\={})"},
    UnicodeCharacter{0x00B0, R"(\ensuremath{{}^{\circ}})"},
    UnicodeCharacter{0x00B1, R"(\ensuremath{\pm})"},
    UnicodeCharacter{0x00B2, R"(\ensuremath{{}^{2}})"},
    UnicodeCharacter{0x00B3, R"(\ensuremath{{}^{3}})"},
    UnicodeCharacter{0x00B4, R"(\'{})"},
    UnicodeCharacter{0x00B5, R"(\ensuremath{\mu})"},
    UnicodeCharacter{0x00B6, R"(\ensuremath{\P})"},
    UnicodeCharacter{0x00B7, R"(\ensuremath{\cdot})"},
    UnicodeCharacter{0x00B8, R"(\c{})"},
    UnicodeCharacter{0x00B9, R"(\ensuremath{{}^{1}})"},
    UnicodeCharacter{0x00BC, R"(\ensuremath{\frac{1}{4}})"},
    UnicodeCharacter{0x00BD, R"(\ensuremath{\frac{1}{2}})"},
    UnicodeCharacter{0x00BE, R"(\ensuremath{\frac{3}{4}})"},
    UnicodeCharacter{0x00BF, R"(\textquestiondown{})"},
    UnicodeCharacter{0x00C0, R"(\`{A})"},
    UnicodeCharacter{0x00C1, R"(\'{A})"},
    UnicodeCharacter{0x00C2, R"(\^{A})"},
    UnicodeCharacter{0x00C3, R"(\~{A})"},
    UnicodeCharacter{0x00C4, R"(\"{A})"},
    UnicodeCharacter{0x00C5, R"(\AA{})"},
    UnicodeCharacter{0x00C6, R"(\AE{})"},
    UnicodeCharacter{0x00C7, R"(\c{C})"},
    UnicodeCharacter{0x00C8, R"(\`{E})"},
    UnicodeCharacter{0x00C9, R"(\'{E})"},
    UnicodeCharacter{0x00CA, R"(\^{E})"},
    UnicodeCharacter{0x00CB, R"(\"{E})"},
    UnicodeCharacter{0x00CC, R"(\`{I})"},
    UnicodeCharacter{0x00CD, R"(\'{I})"},
    UnicodeCharacter{0x00CE, R"(\^{I})"},
    UnicodeCharacter{0x00CF, R"(\"{I})"},
    UnicodeCharacter{0x00D1, R"(\~{N})"},
    UnicodeCharacter{0x00D2, R"(\`{O})"},
    UnicodeCharacter{0x00D3, R"(\'{O})"},
    UnicodeCharacter{0x00D4, R"(\^{O})"},
    UnicodeCharacter{0x00D5, R"(\~{O})"},
    UnicodeCharacter{0x00D6, R"(\"{O})"},
    UnicodeCharacter{0x00D7, R"(\ensuremath{\times})"},
    UnicodeCharacter{0x00D8, R"(\O{})"},
    UnicodeCharacter{0x00D9, R"(\`{U})"},
    UnicodeCharacter{0x00DA, R"(\'{U})"},
    UnicodeCharacter{0x00DB, R"(\^{U})"},
    UnicodeCharacter{0x00DC, R"(\"{U})"},
    UnicodeCharacter{0x00DD, R"(\'{Y})"},
    UnicodeCharacter{0x00DF, R"(\ss{})"},
    UnicodeCharacter{0x00E0, R"(\`{a})"},
    UnicodeCharacter{0x00E1, R"(\'{a})"},
    UnicodeCharacter{0x00E2, R"(\^{a})"},
    UnicodeCharacter{0x00E3, R"(\~{a})"},
    UnicodeCharacter{0x00E4, R"(\"{a})"},
    UnicodeCharacter{0x00E5, R"(\aa{})"},
    UnicodeCharacter{0x00E6, R"(\ae{})"},
    UnicodeCharacter{0x00E7, R"(\c{c})"},
    UnicodeCharacter{0x00E8, R"(\`{e})"},
    UnicodeCharacter{0x00E9, R"(\'{e})"},
    UnicodeCharacter{0x00EA, R"(\^{e})"},
    UnicodeCharacter{0x00EB, R"(\"{e})"},
    UnicodeCharacter{0x00EC, R"(\`{\i})"},
    UnicodeCharacter{0x00ED, R"(\'{\i})"},
    UnicodeCharacter{0x00EE, R"(\^{\i})"},
    UnicodeCharacter{0x00EF, R"(\"{\i})"},
    UnicodeCharacter{0x00F1, R"(\~{n})"},
    UnicodeCharacter{0x00F2, R"(\`{o})"},
    UnicodeCharacter{0x00F3, R"(\'{o})"},
    UnicodeCharacter{0x00F4, R"(\^{o})"},
    UnicodeCharacter{0x00F5, R"(\~{o})"},
    UnicodeCharacter{0x00F6, R"(\"{o})"},
    UnicodeCharacter{0x00F7, R"(\ensuremath{\div})"},
    UnicodeCharacter{0x00F8, R"(\o{})"},
    UnicodeCharacter{0x00F9, R"(\`{u})"},
    UnicodeCharacter{0x00FA, R"(\'{u})"},
    UnicodeCharacter{0x00FB, R"(\^{u})"},
    UnicodeCharacter{0x00FC, R"(\"{u})"},
    UnicodeCharacter{0x00FD, R"(\'{y})"},
    UnicodeCharacter{0x00FF, R"(\"{y})"},
    // Latin Extended-A (letters OT1 can build from accents)
    UnicodeCharacter{0x0100, R"(\={A})"},
    UnicodeCharacter{0x0101, R"(\={a})"},
    UnicodeCharacter{0x0102, R"(\u{A})"},
    UnicodeCharacter{0x0103, R"(\u{a})"},
    UnicodeCharacter{0x0106, R"(\'{C})"},
    UnicodeCharacter{0x0107, R"(\'{c})"},
    UnicodeCharacter{0x0108, R"(\^{C})"},
    UnicodeCharacter{0x0109, R"(\^{c})"},
    UnicodeCharacter{0x010A, R"(\.{C})"},
    UnicodeCharacter{0x010B, R"(\.{c})"},
    UnicodeCharacter{0x010C, R"(\v{C})"},
    UnicodeCharacter{0x010D, R"(\v{c})"},
    UnicodeCharacter{0x010E, R"(\v{D})"},
    UnicodeCharacter{0x010F, R"(\v{d})"},
    UnicodeCharacter{0x0112, R"(\={E})"},
    UnicodeCharacter{0x0113, R"(\={e})"},
    UnicodeCharacter{0x0114, R"(\u{E})"},
    UnicodeCharacter{0x0115, R"(\u{e})"},
    UnicodeCharacter{0x0116, R"(\.{E})"},
    UnicodeCharacter{0x0117, R"(\.{e})"},
    UnicodeCharacter{0x011A, R"(\v{E})"},
    UnicodeCharacter{0x011B, R"(\v{e})"},
    UnicodeCharacter{0x011C, R"(\^{G})"},
    UnicodeCharacter{0x011D, R"(\^{g})"},
    UnicodeCharacter{0x011E, R"(\u{G})"},
    UnicodeCharacter{0x011F, R"(\u{g})"},
    UnicodeCharacter{0x0120, R"(\.{G})"},
    UnicodeCharacter{0x0121, R"(\.{g})"},
    UnicodeCharacter{0x0122, R"(\c{G})"},
    UnicodeCharacter{0x0124, R"(\^{H})"},
    UnicodeCharacter{0x0125, R"(\^{h})"},
    UnicodeCharacter{0x0128, R"(\~{I})"},
    UnicodeCharacter{0x0129, R"(\~{\i})"},
    UnicodeCharacter{0x012A, R"(\={I})"},
    UnicodeCharacter{0x012B, R"(\={\i})"},
    UnicodeCharacter{0x012C, R"(\u{I})"},
    UnicodeCharacter{0x012D, R"(\u{\i})"},
    UnicodeCharacter{0x0130, R"(\.{I})"},
    UnicodeCharacter{0x0131, R"(\i{})"},
    UnicodeCharacter{0x0134, R"(\^{J})"},
    UnicodeCharacter{0x0135, R"(\^{\j})"},
    UnicodeCharacter{0x0136, R"(\c{K})"},
    UnicodeCharacter{0x0137, R"(\c{k})"},
    UnicodeCharacter{0x0139, R"(\'{L})"},
    UnicodeCharacter{0x013A, R"(\'{l})"},
    UnicodeCharacter{0x013B, R"(\c{L})"},
    UnicodeCharacter{0x013C, R"(\c{l})"},
    UnicodeCharacter{0x013D, R"(\v{L})"},
    UnicodeCharacter{0x013E, R"(\v{l})"},
    UnicodeCharacter{0x0141, R"(\L{})"},
    UnicodeCharacter{0x0142, R"(\l{})"},
    UnicodeCharacter{0x0143, R"(\'{N})"},
    UnicodeCharacter{0x0144, R"(\'{n})"},
    UnicodeCharacter{0x0145, R"(\c{N})"},
    UnicodeCharacter{0x0146, R"(\c{n})"},
    UnicodeCharacter{0x0147, R"(\v{N})"},
    UnicodeCharacter{0x0148, R"(\v{n})"},
    UnicodeCharacter{0x014C, R"(\={O})"},
    UnicodeCharacter{0x014D, R"(\={o})"},
    UnicodeCharacter{0x014E, R"(\u{O})"},
    UnicodeCharacter{0x014F, R"(\u{o})"},
    UnicodeCharacter{0x0150, R"(\H{O})"},
    UnicodeCharacter{0x0151, R"(\H{o})"},
    UnicodeCharacter{0x0152, R"(\OE{})"},
    UnicodeCharacter{0x0153, R"(\oe{})"},
    UnicodeCharacter{0x0154, R"(\'{R})"},
    UnicodeCharacter{0x0155, R"(\'{r})"},
    UnicodeCharacter{0x0156, R"(\c{R})"},
    UnicodeCharacter{0x0157, R"(\c{r})"},
    UnicodeCharacter{0x0158, R"(\v{R})"},
    UnicodeCharacter{0x0159, R"(\v{r})"},
    UnicodeCharacter{0x015A, R"(\'{S})"},
    UnicodeCharacter{0x015B, R"(\'{s})"},
    UnicodeCharacter{0x015C, R"(\^{S})"},
    UnicodeCharacter{0x015D, R"(\^{s})"},
    UnicodeCharacter{0x015E, R"(\c{S})"},
    UnicodeCharacter{0x015F, R"(\c{s})"},
    UnicodeCharacter{0x0160, R"(\v{S})"},
    UnicodeCharacter{0x0161, R"(\v{s})"},
    UnicodeCharacter{0x0162, R"(\c{T})"},
    UnicodeCharacter{0x0163, R"(\c{t})"},
    UnicodeCharacter{0x0164, R"(\v{T})"},
    UnicodeCharacter{0x0165, R"(\v{t})"},
    UnicodeCharacter{0x0168, R"(\~{U})"},
    UnicodeCharacter{0x0169, R"(\~{u})"},
    UnicodeCharacter{0x016A, R"(\={U})"},
    UnicodeCharacter{0x016B, R"(\={u})"},
    UnicodeCharacter{0x016C, R"(\u{U})"},
    UnicodeCharacter{0x016D, R"(\u{u})"},
    UnicodeCharacter{0x016E, R"(\r{U})"},
    UnicodeCharacter{0x016F, R"(\r{u})"},
    UnicodeCharacter{0x0170, R"(\H{U})"},
    UnicodeCharacter{0x0171, R"(\H{u})"},
    UnicodeCharacter{0x0174, R"(\^{W})"},
    UnicodeCharacter{0x0175, R"(\^{w})"},
    UnicodeCharacter{0x0176, R"(\^{Y})"},
    UnicodeCharacter{0x0177, R"(\^{y})"},
    UnicodeCharacter{0x0178, R"(\"{Y})"},
    UnicodeCharacter{0x0179, R"(\'{Z})"},
    UnicodeCharacter{0x017A, R"(\'{z})"},
    UnicodeCharacter{0x017B, R"(\.{Z})"},
    UnicodeCharacter{0x017C, R"(\.{z})"},
    UnicodeCharacter{0x017D, R"(\v{Z})"},
    UnicodeCharacter{0x017E, R"(\v{z})"},
    // Greek: capitals that look Latin are drawn as those Latin letters
    UnicodeCharacter{0x0391, R"(A)"},
    UnicodeCharacter{0x0392, R"(B)"},
    UnicodeCharacter{0x0393, R"(\ensuremath{\Gamma})"},
    UnicodeCharacter{0x0394, R"(\ensuremath{\Delta})"},
    UnicodeCharacter{0x0395, R"(E)"},
    UnicodeCharacter{0x0396, R"(Z)"},
    UnicodeCharacter{0x0397, R"(H)"},
    UnicodeCharacter{0x0398, R"(\ensuremath{\Theta})"},
    UnicodeCharacter{0x0399, R"(I)"},
    UnicodeCharacter{0x039A, R"(K)"},
    UnicodeCharacter{0x039B, R"(\ensuremath{\Lambda})"},
    UnicodeCharacter{0x039C, R"(M)"},
    UnicodeCharacter{0x039D, R"(N)"},
    UnicodeCharacter{0x039E, R"(\ensuremath{\Xi})"},
    UnicodeCharacter{0x039F, R"(O)"},
    UnicodeCharacter{0x03A0, R"(\ensuremath{\Pi})"},
    UnicodeCharacter{0x03A1, R"(P)"},
    UnicodeCharacter{0x03A3, R"(\ensuremath{\Sigma})"},
    UnicodeCharacter{0x03A4, R"(T)"},
    UnicodeCharacter{0x03A5, R"(\ensuremath{\Upsilon})"},
    UnicodeCharacter{0x03A6, R"(\ensuremath{\Phi})"},
    UnicodeCharacter{0x03A7, R"(X)"},
    UnicodeCharacter{0x03A8, R"(\ensuremath{\Psi})"},
    UnicodeCharacter{0x03A9, R"(\ensuremath{\Omega})"},
    UnicodeCharacter{0x03B1, R"(\ensuremath{\alpha})"},
    UnicodeCharacter{0x03B2, R"(\ensuremath{\beta})"},
    UnicodeCharacter{0x03B3, R"(\ensuremath{\gamma})"},
    UnicodeCharacter{0x03B4, R"(\ensuremath{\delta})"},
    UnicodeCharacter{0x03B5, R"(\ensuremath{\varepsilon})"},
    UnicodeCharacter{0x03B6, R"(\ensuremath{\zeta})"},
    UnicodeCharacter{0x03B7, R"(\ensuremath{\eta})"},
    UnicodeCharacter{0x03B8, R"(\ensuremath{\theta})"},
    UnicodeCharacter{0x03B9, R"(\ensuremath{\iota})"},
    UnicodeCharacter{0x03BA, R"(\ensuremath{\kappa})"},
    UnicodeCharacter{0x03BB, R"(\ensuremath{\lambda})"},
    UnicodeCharacter{0x03BC, R"(\ensuremath{\mu})"},
    UnicodeCharacter{0x03BD, R"(\ensuremath{\nu})"},
    UnicodeCharacter{0x03BE, R"(\ensuremath{\xi})"},
    UnicodeCharacter{0x03BF, R"(o)"},
    UnicodeCharacter{0x03C0, R"(\ensuremath{\pi})"},
    UnicodeCharacter{0x03C1, R"(\ensuremath{\rho})"},
    UnicodeCharacter{0x03C3, R"(\ensuremath{\sigma})"},
    UnicodeCharacter{0x03C4, R"(\ensuremath{\tau})"},
    UnicodeCharacter{0x03C5, R"(\ensuremath{\upsilon})"},
    UnicodeCharacter{0x03C6, R"(\ensuremath{\varphi})"},
    UnicodeCharacter{0x03C7, R"(\ensuremath{\chi})"},
    UnicodeCharacter{0x03C8, R"(\ensuremath{\psi})"},
    UnicodeCharacter{0x03C9, R"(\ensuremath{\omega})"},
    UnicodeCharacter{0x03D1, R"(\ensuremath{\vartheta})"},
    UnicodeCharacter{0x03D5, R"(\ensuremath{\phi})"},
    UnicodeCharacter{0x03D6, R"(\ensuremath{\varpi})"},
    UnicodeCharacter{0x03F1, R"(\ensuremath{\varrho})"},
    UnicodeCharacter{0x03F5, R"(\ensuremath{\epsilon})"},
    // General Punctuation
    UnicodeCharacter{0x2002, R"(\enskip{})"},
    UnicodeCharacter{0x2003, R"(\quad{})"},
    UnicodeCharacter{0x2009, R"(\,)"},
    UnicodeCharacter{0x200B, R"(\hspace{0pt})"},
    UnicodeCharacter{0x2010, R"({-})"},
    UnicodeCharacter{0x2011, R"(\mbox{-})"},
    UnicodeCharacter{0x2013, R"({--})"},
    UnicodeCharacter{0x2014, R"({---})"},
    UnicodeCharacter{0x2016, R"(\ensuremath{\|})"},
    UnicodeCharacter{0x2018, R"({`})"},
    UnicodeCharacter{0x2019, R"({'})"},
    UnicodeCharacter{0x201C, R"({``})"},
    UnicodeCharacter{0x201D, R"({''})"},
    UnicodeCharacter{0x2020, R"(\ensuremath{\dagger})"},
    UnicodeCharacter{0x2021, R"(\ensuremath{\ddagger})"},
    UnicodeCharacter{0x2022, R"(\ensuremath{\bullet})"},
    UnicodeCharacter{0x2026, R"(\dots{})"},
    UnicodeCharacter{0x2032, R"(\ensuremath{{}^{\prime}})"},
    UnicodeCharacter{0x2033, R"(\ensuremath{{}^{\prime\prime}})"},
    // Superscripts and subscripts
    UnicodeCharacter{0x2070, R"(\ensuremath{{}^{0}})"},
    UnicodeCharacter{0x2074, R"(\ensuremath{{}^{4}})"},
    UnicodeCharacter{0x2075, R"(\ensuremath{{}^{5}})"},
    UnicodeCharacter{0x2076, R"(\ensuremath{{}^{6}})"},
    UnicodeCharacter{0x2077, R"(\ensuremath{{}^{7}})"},
    UnicodeCharacter{0x2078, R"(\ensuremath{{}^{8}})"},
    UnicodeCharacter{0x2079, R"(\ensuremath{{}^{9}})"},
    UnicodeCharacter{0x207A, R"(\ensuremath{{}^{+}})"},
    UnicodeCharacter{0x207B, R"(\ensuremath{{}^{-}})"},
    UnicodeCharacter{0x2080, R"(\ensuremath{{}_{0}})"},
    UnicodeCharacter{0x2081, R"(\ensuremath{{}_{1}})"},
    UnicodeCharacter{0x2082, R"(\ensuremath{{}_{2}})"},
    UnicodeCharacter{0x2083, R"(\ensuremath{{}_{3}})"},
    UnicodeCharacter{0x2084, R"(\ensuremath{{}_{4}})"},
    UnicodeCharacter{0x2085, R"(\ensuremath{{}_{5}})"},
    UnicodeCharacter{0x2086, R"(\ensuremath{{}_{6}})"},
    UnicodeCharacter{0x2087, R"(\ensuremath{{}_{7}})"},
    UnicodeCharacter{0x2088, R"(\ensuremath{{}_{8}})"},
    UnicodeCharacter{0x2089, R"(\ensuremath{{}_{9}})"},
    // Letterlike symbols (amssymb for the blackboard letters)
    UnicodeCharacter{0x2102, R"(\ensuremath{\mathbb{C}})"},
    UnicodeCharacter{0x210F, R"(\ensuremath{\hbar})"},
    UnicodeCharacter{0x2113, R"(\ensuremath{\ell})"},
    UnicodeCharacter{0x2115, R"(\ensuremath{\mathbb{N}})"},
    UnicodeCharacter{0x211A, R"(\ensuremath{\mathbb{Q}})"},
    UnicodeCharacter{0x211D, R"(\ensuremath{\mathbb{R}})"},
    UnicodeCharacter{0x2124, R"(\ensuremath{\mathbb{Z}})"},
    // Arrows
    UnicodeCharacter{0x2190, R"(\ensuremath{\leftarrow})"},
    UnicodeCharacter{0x2191, R"(\ensuremath{\uparrow})"},
    UnicodeCharacter{0x2192, R"(\ensuremath{\rightarrow})"},
    UnicodeCharacter{0x2193, R"(\ensuremath{\downarrow})"},
    UnicodeCharacter{0x2194, R"(\ensuremath{\leftrightarrow})"},
    UnicodeCharacter{0x21A6, R"(\ensuremath{\mapsto})"},
    UnicodeCharacter{0x21D0, R"(\ensuremath{\Leftarrow})"},
    UnicodeCharacter{0x21D2, R"(\ensuremath{\Rightarrow})"},
    UnicodeCharacter{0x21D4, R"(\ensuremath{\Leftrightarrow})"},
    // Mathematical operators
    UnicodeCharacter{0x2200, R"(\ensuremath{\forall})"},
    UnicodeCharacter{0x2202, R"(\ensuremath{\partial})"},
    UnicodeCharacter{0x2203, R"(\ensuremath{\exists})"},
    UnicodeCharacter{0x2205, R"(\ensuremath{\emptyset})"},
    UnicodeCharacter{0x2207, R"(\ensuremath{\nabla})"},
    UnicodeCharacter{0x2208, R"(\ensuremath{\in})"},
    UnicodeCharacter{0x2209, R"(\ensuremath{\notin})"},
    UnicodeCharacter{0x220B, R"(\ensuremath{\ni})"},
    UnicodeCharacter{0x220F, R"(\ensuremath{\prod})"},
    UnicodeCharacter{0x2211, R"(\ensuremath{\sum})"},
    UnicodeCharacter{0x2212, R"(\ensuremath{-})"},
    UnicodeCharacter{0x2213, R"(\ensuremath{\mp})"},
    UnicodeCharacter{0x2217, R"(\ensuremath{\ast})"},
    UnicodeCharacter{0x2218, R"(\ensuremath{\circ})"},
    UnicodeCharacter{0x2219, R"(\ensuremath{\bullet})"},
    UnicodeCharacter{0x221A, R"(\ensuremath{\surd})"},
    UnicodeCharacter{0x221D, R"(\ensuremath{\propto})"},
    UnicodeCharacter{0x221E, R"(\ensuremath{\infty})"},
    UnicodeCharacter{0x2223, R"(\ensuremath{\mid})"},
    UnicodeCharacter{0x2225, R"(\ensuremath{\parallel})"},
    UnicodeCharacter{0x2227, R"(\ensuremath{\wedge})"},
    UnicodeCharacter{0x2228, R"(\ensuremath{\vee})"},
    UnicodeCharacter{0x2229, R"(\ensuremath{\cap})"},
    UnicodeCharacter{0x222A, R"(\ensuremath{\cup})"},
    UnicodeCharacter{0x222B, R"(\ensuremath{\int})"},
    UnicodeCharacter{0x223C, R"(\ensuremath{\sim})"},
    UnicodeCharacter{0x2243, R"(\ensuremath{\simeq})"},
    UnicodeCharacter{0x2245, R"(\ensuremath{\cong})"},
    UnicodeCharacter{0x2248, R"(\ensuremath{\approx})"},
    UnicodeCharacter{0x2260, R"(\ensuremath{\neq})"},
    UnicodeCharacter{0x2261, R"(\ensuremath{\equiv})"},
    UnicodeCharacter{0x2264, R"(\ensuremath{\leq})"},
    UnicodeCharacter{0x2265, R"(\ensuremath{\geq})"},
    UnicodeCharacter{0x226A, R"(\ensuremath{\ll})"},
    UnicodeCharacter{0x226B, R"(\ensuremath{\gg})"},
    UnicodeCharacter{0x2282, R"(\ensuremath{\subset})"},
    UnicodeCharacter{0x2283, R"(\ensuremath{\supset})"},
    UnicodeCharacter{0x2286, R"(\ensuremath{\subseteq})"},
    UnicodeCharacter{0x2287, R"(\ensuremath{\supseteq})"},
    UnicodeCharacter{0x2295, R"(\ensuremath{\oplus})"},
    UnicodeCharacter{0x2297, R"(\ensuremath{\otimes})"},
    UnicodeCharacter{0x2299, R"(\ensuremath{\odot})"},
    UnicodeCharacter{0x22A4, R"(\ensuremath{\top})"},
    UnicodeCharacter{0x22A5, R"(\ensuremath{\bot})"},
    UnicodeCharacter{0x22C5, R"(\ensuremath{\cdot})"},
    UnicodeCharacter{0x22EF, R"(\ensuremath{\cdots})"},
    UnicodeCharacter{0x2308, R"(\ensuremath{\lceil})"},
    UnicodeCharacter{0x2309, R"(\ensuremath{\rceil})"},
    UnicodeCharacter{0x230A, R"(\ensuremath{\lfloor})"},
    UnicodeCharacter{0x230B, R"(\ensuremath{\rfloor})"},
    UnicodeCharacter{0x27E8, R"(\ensuremath{\langle})"},
    UnicodeCharacter{0x27E9, R"(\ensuremath{\rangle})"},
    // The replacement character, for invalid UTF-8 (guarantee 5)
    UnicodeCharacter{0xFFFD, R"({\setlength{\fboxsep}{0.5pt}\fbox{?}})"},
};

constexpr char32_t kReplacementCharacter = 0xFFFD;

// One decoded step of UTF-8: a code point, or nullopt for an ill-formed
// subpart, and the number of bytes consumed (>= 1).
struct Decoded {
  std::optional<char32_t> code_point;
  std::size_t length;
};

// Decodes at text[i], following Unicode Table 3-7 (well-formed byte
// sequences): the second byte's range depends on the lead byte, which rules
// out overlong forms, surrogates and values above U+10FFFF. On failure the
// consumed length is the maximal subpart (the bytes that could still have
// begun a well-formed sequence), so "E2 82" before "A" gives one U+FFFD.
Decoded decode_utf8(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return {b0, 1};
  std::size_t length = 0;
  unsigned char second_low = 0x80, second_high = 0xBF;
  char32_t value = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
    value = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    value = b0 & 0x0Fu;
    if (b0 == 0xE0) second_low = 0xA0;  // overlong
    if (b0 == 0xED) second_high = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    value = b0 & 0x07u;
    if (b0 == 0xF0) second_low = 0x90;   // overlong
    if (b0 == 0xF4) second_high = 0x8F;  // above U+10FFFF
  } else {
    return {std::nullopt, 1};  // C0, C1, F5..FF, or a stray continuation byte
  }
  for (std::size_t k = 1; k < length; ++k) {
    if (i + k >= text.size()) return {std::nullopt, k};
    const unsigned char b = byte(i + k);
    const unsigned char low = k == 1 ? second_low : 0x80;
    const unsigned char high = k == 1 ? second_high : 0xBF;
    if (b < low || b > high) return {std::nullopt, k};
    value = (value << 6) | (b & 0x3Fu);
  }
  return {value, length};
}

const UnicodeCharacter* find_character(char32_t c) {
  const auto it = std::lower_bound(std::begin(kUnicodeCharacters), std::end(kUnicodeCharacters), c,
                                   [](const UnicodeCharacter& u, char32_t v) { return u.code_point < v; });
  return it != std::end(kUnicodeCharacters) && it->code_point == c ? &*it : nullptr;
}

std::string hex(unsigned value, int digits) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out(static_cast<std::size_t>(digits), '0');
  for (int k = digits - 1; k >= 0; --k) {
    out[static_cast<std::size_t>(k)] = kDigits[value & 0xFu];
    value >>= 4;
  }
  return out;
}

// Appends the UTF-8 encoding of c (c is a valid scalar value).
void append_utf8(std::string& out, char32_t c) {
  const auto put = [&](char32_t v) { out.push_back(static_cast<char>(static_cast<unsigned char>(v))); };
  if (c < 0x80) {
    put(c);
  } else if (c < 0x800) {
    put(0xC0 | (c >> 6));
    put(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    put(0xE0 | (c >> 12));
    put(0x80 | ((c >> 6) & 0x3F));
    put(0x80 | (c & 0x3F));
  } else {
    put(0xF0 | (c >> 18));
    put(0x80 | ((c >> 12) & 0x3F));
    put(0x80 | ((c >> 6) & 0x3F));
    put(0x80 | (c & 0x3F));
  }
}

// The shared loop of escape() and code(): printable ASCII and white space
// through `ascii(out, c, next_byte)`, control characters as `backslash`xHH,
// non-ASCII through the table (guarantees 3-5 of latex.hpp).
template <typename AsciiWriter>
std::string transcribe(std::string_view user_text, AsciiWriter ascii, std::string_view backslash) {
  std::string out;
  out.reserve(user_text.size() + user_text.size() / 4);
  std::size_t i = 0;
  while (i < user_text.size()) {
    const Decoded d = decode_utf8(user_text, i);
    if (!d.code_point) {
      append_utf8(out, kReplacementCharacter);
    } else if (*d.code_point < 0x80) {
      const char c = static_cast<char>(*d.code_point);
      if (c == '\t' || c == '\n' || c == '\r') {
        ascii(out, ' ', i + 1 < user_text.size() ? user_text[i + 1] : '\0');
      } else if (c < 0x20 || c == 0x7F) {
        out += backslash;
        out += 'x';
        out += hex(static_cast<unsigned>(c), 2);
      } else {
        ascii(out, c, i + 1 < user_text.size() ? user_text[i + 1] : '\0');
      }
    } else if (find_character(*d.code_point) != nullptr) {
      out.append(user_text.substr(i, d.length));
    } else {
      out += "{[}U+";
      out += hex(static_cast<unsigned>(*d.code_point), *d.code_point > 0xFFFF ? 6 : 4);
      out += "{]}";
    }
    i += d.length;
  }
  return out;
}

// |x| correctly rounded to `significant` digits: the digits (without the
// point) and the decimal exponent of the first digit.
struct Decimal {
  std::string digits;
  int exponent;
};

Decimal to_decimal(double magnitude, int significant) {
  std::array<char, 64> buffer{};
  const std::to_chars_result r = std::to_chars(buffer.data(), buffer.data() + buffer.size(), magnitude,
                                               std::chars_format::scientific, significant - 1);
  const std::string_view s(buffer.data(), static_cast<std::size_t>(r.ptr - buffer.data()));
  const std::size_t e = s.find('e');
  Decimal out{"", 0};
  for (char c : s.substr(0, e))
    if (c != '.') out.digits.push_back(c);
  const std::string_view exponent = s.substr(e + 1);
  const std::size_t skip = exponent.front() == '+' ? 1 : 0;
  std::from_chars(exponent.data() + skip, exponent.data() + exponent.size(), out.exponent);
  return out;
}

std::string scientific(const Decimal& d) {
  std::string out(1, d.digits[0]);
  if (d.digits.size() > 1) {
    out += '.';
    out.append(d.digits, 1);
  }
  return out + "\\times10^{" + std::to_string(d.exponent) + "}";
}

void check_significant(int significant) {
  if (significant < 1 || significant > 17)
    throw InputError("format_number: significant digits must be in 1..17, got " + std::to_string(significant));
}

// Numbered special cases of the number formatters: (1) NaN, (2) infinities,
// (3) signed zeros; everything else is finite and non-zero.
std::optional<std::string> special_value(double x) {
  if (std::isnan(x)) return std::string("\\mathrm{NaN}");  // (1)
  if (std::isinf(x)) return std::string(x < 0 ? "-\\infty" : "\\infty");  // (2)
  if (x == 0) return std::string(std::signbit(x) ? "-0" : "0");  // (3)
  return std::nullopt;
}

}  // namespace

std::span<const UnicodeCharacter> unicode_characters() { return kUnicodeCharacters; }

std::string preamble() {
  std::string out =
      "% glasses: support for escaped user text (glasses/reports/latex.hpp)\n"
      "\\makeatletter\n"
      "% typewriter glyphs for ASCII that OT1 Computer Modern roman lacks\n"
      "\\newcommand\\glasses@ttchar[1]{{\\fontfamily{\\ttdefault}\\fontseries{m}\\fontshape{n}"
      "\\selectfont\\char#1\\relax}}\n"
      "% ActualText spans, so that pdftotext reads an accent glyph as ASCII\n"
      "\\newcommand\\glasses@actualtext[2]{\\leavevmode\\pdfliteral page{/Span<</ActualText(#1)>>BDC}"
      "#2\\pdfliteral page{EMC}}\n"
      "% LaTeX 2020+ takes $ from TS1 (bitmap-only here); the OT1 glyph, slanted in\n"
      "% italic type where OT1 has a pound sign at the same position\n"
      "\\DeclareTextCommand{\\textdollar}{OT1}{\\hmode@bgroup\\ifdim\\fontdimen\\@ne\\font>\\z@"
      "\\slshape\\else\\upshape\\fi\\char`\\$\\egroup}\n"
      "\\DeclareTextCommand{\\textunderscore}{OT1}{\\glasses@ttchar{95}}\n"
      "\\DeclareTextCommand{\\textquotedbl}{OT1}{\\glasses@ttchar{34}}\n"
      "\\DeclareTextCommand{\\textquotesingle}{OT1}{\\glasses@ttchar{13}}\n"
      "\\DeclareTextCommand{\\textasciigrave}{OT1}{\\glasses@ttchar{18}}\n"
      "\\DeclareTextCommand{\\textasciitilde}{OT1}{\\glasses@actualtext{\\string~}{\\~{}}}\n"
      "\\DeclareTextCommand{\\textasciicircum}{OT1}{\\glasses@actualtext{\\string^}{\\^{}}}\n"
      "\\makeatother\n";
  for (const UnicodeCharacter& u : kUnicodeCharacters) {
    out += "\\DeclareUnicodeCharacter{";
    out += hex(static_cast<unsigned>(u.code_point), 4);
    out += "}{";
    out += u.latex;
    out += "}\n";
  }
  return out;
}

std::string escape(std::string_view user_text) {
  const auto ascii = [](std::string& out, char c, char next) {
    switch (c) {
      case '\\': out += "\\textbackslash{}"; break;
      case '{': out += "\\{"; break;
      case '}': out += "\\}"; break;
      case '$': out += "\\$"; break;
      case '&': out += "\\&"; break;
      case '#': out += "\\#"; break;
      case '%': out += "\\%"; break;
      case '_': out += "\\_"; break;
      case '^': out += "\\textasciicircum{}"; break;
      case '~': out += "\\textasciitilde{}"; break;
      case '<': out += "\\textless{}"; break;
      case '>': out += "\\textgreater{}"; break;
      case '|': out += "\\textbar{}"; break;
      case '"': out += "\\textquotedbl{}"; break;
      case '\'': out += "\\textquotesingle{}"; break;
      case '`': out += "\\textasciigrave{}"; break;
      case '[': out += "{[}"; break;
      case ']': out += "{]}"; break;
      case '-': out += next == '-' ? "-{}" : "-"; break;  // no en/em dash ligature
      default: out += c;
    }
  };
  return transcribe(user_text, ascii, "\\textbackslash{}");
}

std::string code(std::string_view user_text) {
  char previous = '\0';
  const auto ascii = [&previous](std::string& out, char c, char /*next*/) {
    switch (c) {
      case '\\': case '{': case '}': case '$': case '&': case '#': case '%': case '_':
      case '^': case '~': case '<': case '>': case '|': case '"':
        out += "{\\char" + std::to_string(static_cast<int>(c)) + "}";
        break;
      case '\'': out += "{\\char13}"; break;  // upright quote in cmtt
      case '`': out += "{\\char18}"; break;   // grave in cmtt
      case ' ': out += previous == ' ' ? "\\ " : " "; break;  // keep runs of spaces
      case '/': out += "/\\allowbreak{}"; break;
      default: out += c;
    }
    previous = c;
  };
  return "\\texttt{" + transcribe(user_text, ascii, "{\\char92}") + "}";
}

std::string math(std::string_view math_content) {
  return "\\ensuremath{" + std::string(math_content) + "}";
}

std::string format_number(double x, int significant) {
  check_significant(significant);
  if (auto special = special_value(x)) return *special;
  const Decimal d = to_decimal(std::fabs(x), significant);
  const std::string sign = x < 0 ? "-" : "";
  if (d.exponent < -3 || d.exponent >= significant) return sign + scientific(d);
  std::string out;
  if (d.exponent < 0) {
    out = "0." + std::string(static_cast<std::size_t>(-d.exponent - 1), '0') + d.digits;
  } else {
    const std::size_t integer_digits = static_cast<std::size_t>(d.exponent) + 1;
    out = d.digits.substr(0, integer_digits);
    if (d.digits.size() > integer_digits) out += "." + d.digits.substr(integer_digits);
  }
  return sign + out;
}

std::string format_scientific(double x, int significant) {
  check_significant(significant);
  if (auto special = special_value(x)) return *special;
  return (x < 0 ? "-" : "") + scientific(to_decimal(std::fabs(x), significant));
}

std::string format_shortest(double x) {
  if (auto special = special_value(x)) return *special;
  std::array<char, 64> buffer{};
  const std::to_chars_result r = std::to_chars(buffer.data(), buffer.data() + buffer.size(), x);
  const std::string s(buffer.data(), r.ptr);
  const std::size_t e = s.find('e');
  if (e == std::string::npos) return s;
  int exponent = 0;
  const std::size_t skip = s[e + 1] == '+' ? 2 : 1;
  std::from_chars(s.data() + e + skip, s.data() + s.size(), exponent);
  return s.substr(0, e) + "\\times10^{" + std::to_string(exponent) + "}";
}

std::string format_power_of_two(int e) { return "2^{" + std::to_string(e) + "}"; }

}  // namespace glasses::reports
