// Building report.pdf with latexmk, safely.
//
// build_pdf(dir) runs, with dir as the working directory,
//
//   latexmk -norc -pdf -interaction=nonstopmode -halt-on-error
//           -no-shell-escape -no-mktex=pk -outdir=build report.tex
//
// through posix_spawnp: no shell, and no user-supplied path ever appears on a
// command line (latexmk itself builds shell command strings from its
// arguments, which are all fixed here).
//
// Guarantees and reasons
//  1. No code but TeX's runs. `-norc` stops latexmk from reading any rc file
//     (system, user, or a `latexmkrc` planted in dir, which would be Perl run
//     as us); `-no-shell-escape` disables \write18 whatever texmf.cnf says;
//     the child's environment also sets shell_escape=f and openout_any=p
//     (TeX writes only below dir).
//  2. No bitmap fonts: `-no-mktex=pk` makes a glyph that exists only as
//     METAFONT source (TS1 symbols, the T1 encoding; see latex.hpp) a build
//     error "Font ... not found" instead of a Type 3 bitmap font generated
//     into ~/.texlive.
//  3. Bounded time: after `timeout` the whole process group (latexmk and its
//     pdflatex runs) is killed and the result says timed_out.
//  4. The PDF is all or nothing: auxiliary files and the log go to dir/build/;
//     only a successful build renames build/report.pdf to dir/report.pdf.
//     A stale dir/report.pdf is deleted before building, so after a failed
//     build there is no PDF that disagrees with report.tex.
//  5. Nothing is printed: latexmk's output is captured; its last lines are
//     used only when report.log does not say what went wrong.
//  6. The PDF is the converged one. latexmk decides whether to rerun pdflatex
//     from the .aux file's size, 1-second time stamp and MD5, and can miss a
//     rewrite that keeps size and second (seen: longtable widths settling
//     on a fast machine with a cold font cache left "Table widths have
//     changed. Rerun LaTeX." in the final log, and two builds of one
//     document differed). So while the log asks for a rerun, latexmk is run
//     again with -g, at most kMaxForcedReruns times.
//
// The one piece of process state used: the caller's environment, passed on to
// latexmk (PATH finds latexmk and TeX; TEXINPUTS etc. are honoured) with the
// three overrides of guarantee 1 and max_print_line below.
//
// The log excerpt (log_excerpt()) holds, in log order: every TeX error
// (lines starting with "!") with the lines after it up to the next blank
// line (at most 6: the l.<line> context and the offending input), and every
// warning about undefined references, citations or control sequences, and
// missing characters. pdflatex runs with max_print_line=10000 so that no
// message is wrapped across lines. The excerpt is capped at kMaxExcerptLines.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace glasses::reports {

struct BuildOptions {
  std::chrono::milliseconds timeout = std::chrono::minutes(2);
};

struct BuildResult {
  bool ok = false;         // latexmk succeeded and dir/report.pdf is the new PDF
  bool timed_out = false;  // killed after BuildOptions::timeout
  std::string log_excerpt;      // see above; may be non-empty when ok (warnings)
  std::filesystem::path pdf;    // dir/report.pdf (exists only when ok)
  std::filesystem::path log;    // dir/build/report.log (may not exist)
};

// At most this many forced latexmk reruns (guarantee 6).
inline constexpr int kMaxForcedReruns = 3;

// Whether a TeX log asks for another run: LaTeX's "Rerun to get
// cross-references right", "Label(s) may have changed. Rerun", longtable's
// "Rerun LaTeX".
bool log_asks_for_rerun(std::string_view log_text);

// At most this many lines in a log excerpt.
inline constexpr std::size_t kMaxExcerptLines = 80;

// Whether `latexmk` and `pdflatex` are executable files on PATH.
bool latex_available();

// Builds dir/report.pdf from dir/report.tex (as written by write_document).
// Throws InputError if dir/report.tex does not exist or dir/build cannot be
// created; every other failure (latexmk missing, LaTeX errors, timeout) is
// reported in the result.
BuildResult build_pdf(const std::filesystem::path& dir, const BuildOptions& options = {});

// The relevant lines of a TeX log (see above).
std::string log_excerpt(std::string_view log_text);

}  // namespace glasses::reports
