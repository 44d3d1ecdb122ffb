/* SPDX-FileCopyrightText: 2020 Massimiliano Fasi and Mantas Mikaitis */
/* SPDX-License-Identifier: LGPL-2.1-or-later                         */

/**
 * @file cpfloat_definitions.h
 * @brief Definition of CPFloat data types.
 *
 * @details This file includes all the external header files used by CPFloat,
 * defines the enumerated types
 *
 * + @ref cpfloat_explim_t,
 * + @ref cpfloat_infinity_t,
 * + @ref cpfloat_rounding_t,
 * + @ref cpfloat_saturation_t,
 * + @ref cpfloat_softerr_t,
 * + @ref cpfloat_subnormal_t,
 *
 * and the structured data type @ref optstruct. It is not necessary to include
 * this file in order to use CPFloat, as it is already included by @ref
 * cpfloat_binary32.h and by @ref cpfloat_binary64.h.
 */

#ifndef _CHOPFAST_DEFINITIONS_
#define _CHOPFAST_DEFINITIONS_

// #define _CRT_RAND_S
#include <stdbool.h>
#include <stdlib.h>
#include <stdint.h>

#include <time.h>
#include <math.h>
#include <fenv.h>
#include <float.h>
#include <limits.h>
#include <string.h>

/* #include "pcg_variants.h" */

#if defined(_OPENMP)
#include <omp.h>

/* Portable thread-safe pseudo-random number generator. */
/*
 * FIXME: The version below would be a bit more robust,
 * but I don't have access to a Windows machine to test it.
 * This needs to be revisited later.
 *
#ifdef _WIN32
  // Use rand_s.
  #include <errno.h>
  unsigned int thread_safe_rand(unsigned int *seed_state) {
      unsigned int result;
      errno_t err = rand_s(&result);
      return result;
  }
#else  /* #ifdef _WIN32
  // Use rand_r.
  unsigned int thread_safe_rand(unsigned int *seed_state) {
      return rand_r(seed_state);
  }
#endif /* #ifdef _WIN32 */

// Implementation below is available at:
//    https://www.pcg-random.org/download.html
//
// *Really* minimal PCG32 code / (c) 2014 M.E. O'Neill / pcg-random.org
// Licensed under Apache License 2.0 (NO WARRANTY, etc. see website)
unsigned int thread_safe_rand(unsigned int* seedp)
{
    unsigned int oldstate = *seedp;
    // Advance internal state
    *seedp = oldstate * 6364136223846793005ULL + 1;
    // Calculate output function (XSH RR), uses old state for max ILP
    unsigned int xorshifted = ((oldstate >> 18u) ^ oldstate) >> 27u;
    unsigned int rot = oldstate >> 59u;
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}
#endif /* #if defined(_OPENMP) */

/**
 * @brief Prefix for all library function names.
 */
#define MAINFUNNAME cpf

/**
 * @brief Data type for specifying number of precision bits in target format.
 */
typedef unsigned int cpfloat_precision_t;

/**
 * @brief Data type for specifying exponents in target format.
 */
typedef int cpfloat_exponent_t;

/**
 * @brief Extended exponent range modes available in CPFloat.
 */
typedef enum {
  /** Use exponent range of storage format. */
  CPFLOAT_EXPRANGE_STOR = 0,
  /** Use exponent range of target format. */
  CPFLOAT_EXPRANGE_TARG = 1
} cpfloat_explim_t;

/**
 * @brief Infinity support modes available in CPFloat.
 */
typedef enum {
  /** Use infinities in target format. */
  CPFLOAT_INF_NO = 0,
  /** Replace infinities with NaNs in target format. */
  CPFLOAT_INF_USE = 1,
} cpfloat_infinity_t;

/**
 * @brief Rounding modes available in CPFloat.
 */
typedef enum {
  /** Use round-to-nearest with ties-to-away. */
  CPFLOAT_RND_NA = -1,
  /** Use round-to-nearest with ties-to-zero. */
  CPFLOAT_RND_NZ =  0,
  /** Use round-to-nearest with ties-to-even. */
  CPFLOAT_RND_NE =  1,
  /** Use round-toward-+&infin;. */
  CPFLOAT_RND_TP =  2,
  /** Use round-toward-&minus;&infin;. */
  CPFLOAT_RND_TN =  3,
  /** Use round toward zero */
  CPFLOAT_RND_TZ =  4,
  /** Stochastic rounding with proportional probabilities. */
  CPFLOAT_RND_SP =  5,
  /** Stochastic rounding with equal probabilities. */
  CPFLOAT_RND_SE =  6,
  /** Use round-to-odd. */
  CPFLOAT_RND_OD =  7,
  /** Do not perform rounding. */
  CPFLOAT_NO_RND =  8,
} cpfloat_rounding_t;

/**
 * @brief Saturation modes available in CPFloat.
 */
typedef enum {
  /** Use standard arithmetic. */
  CPFLOAT_SAT_NO = 0,
  /** Use saturation arithmetic. */
  CPFLOAT_SAT_USE = 1,
} cpfloat_saturation_t;

/**
 * @brief Soft fault simulation modes available in CPFloat.
 */
typedef enum {
  /** Do not introduce soft errors. */
  CPFLOAT_SOFTERR_NO = 0,
  /** Soft errors in fraction of target-format floating-point representation.*/
  CPFLOAT_SOFTERR_FRAC = 1,
  /** Soft errors anywhere in target-format floating-point representation. */
  CPFLOAT_SOFTERR_FP = 2
} cpfloat_softerr_t;

/**
 * @brief Subnormal support modes available in CPFloat.
 */
typedef enum {
  /** Round subnormal numbers according to the current rounding mode. */
  CPFLOAT_SUBN_RND = 0,
  /** Support storage of subnormal numbers. */
  CPFLOAT_SUBN_USE = 1
} cpfloat_subnormal_t;

/** @cond */
#ifdef PCG_VARIANTS_H_INCLUDED
#define CPFLOAT_BITSEEDTYPE pcg32_random_t
#define CPFLOAT_RANDSEEDTYPEF pcg32_random_t
#define CPFLOAT_RANDSEEDTYPE pcg64_random_t
#else /* #ifdef PCG_VARIANTS_H_INCLUDED */
#define CPFLOAT_BITSEEDTYPE unsigned int
#define CPFLOAT_RANDSEEDTYPEF size_t
#define CPFLOAT_RANDSEEDTYPE size_t
#endif /* #ifdef PCG_VARIANTS_H_INCLUDED */
/** @endcond */

/**
 * @brief Internal state of the pseudo-random bit generator.
 */
typedef CPFLOAT_BITSEEDTYPE cpfloat_bitseed_t;

/**
 * @brief Internal state of the pseudo-random `float` generator.
 */
typedef CPFLOAT_RANDSEEDTYPEF cpfloat_randseedf_t;

/**
 * @brief Internal state of the pseudo-random `double` generator.
 */
typedef CPFLOAT_RANDSEEDTYPE cpfloat_randseed_t;

/**
 * @brief Specify target format, rounding mode, and occurrence of soft faults.
 *
 * @details The fields of this structure determine the parameters of the
 * floating-point format to be simulated, the rounding mode to be used during
 * the conversion process, and whether soft faults striking the rounded numbers
 * should be simulated.
 */
typedef struct {
  /**
   * @brief String specifying target format.
   *
   * @details This field is defined only for compatibility with the MATLAB
   * function `chop`, and its value is used by the MEX interface but ignored by
   * the pure C implementation.
   *
   * Possible values are:
   * + `q43`, `e4m3`, `E4M3` for E4M3 (4-bit exponent, 4-bit significand);
   * + `q52`, `e5m2`, `E5M2` for E5M2 (5-bit exponent, 3-bit significand);
   * + `b`, `bf16`, `bfloat16` for bfloat16;
   * + `h`, `fp16`, `binary16`, `half` for binary16;
   * + `t`, `tf32`, `TensorFloat-32`, for TensorFloat-32;
   * + `s`, `fp32`, `binary32`, `single` for binary32;
   * + `d`, `fp64`, `binary64`, `double` for binary64; and
   * + `custom`, `c` for a format specifying `precision`, `emin`, and `emax`.
   *
   * The validation functions cpfloatf_validate_optstruct() and
   * cpfloat_validate_optstruct() return a warning code if this field is not set
   * to either the empty string or one of the strings above.
   */
  char format [15];
  /**
   * @brief Bits of precision of target format.
   *
   * @details The maximum values allowed are 24 and 53 if the storage format is
   * `float` or `double`, respectively.
   *
   * For compatibility with the MATLAB function `chop`, in the MEX interface the
   * number of digits of precision for `float` and `double` cannot exceed 11 and
   * 25, respectively, when using stochastic rounding, and cannot exceed 23 and
   * 52, respectively, for other rounding modes. The C implementation does not
   * have any such restrictions, but using larger values can cause double
   * rounding.
   *
   * The validation functions cpfloatf_validate_optstruct() and
   * cpfloat_validate_optstruct() return an error code if the required number of
   * digits is larger than the maximum allowed by the storage format, and a
   * warning code if the required number of digits is above the maximum allowed
   * by the MEX interface.
   */
  cpfloat_precision_t precision;
  /**
   * @brief Minimum exponent of target format.
   *
   * @details The minimum values allowed are -126 and -1022 if the storage
   * format is `float` or `double`, respectively. If a smaller value is chosen,
   * it is changed to the minimum allowed value without warning. This field is
   * ignored unless `explim` is set to `CPFLOAT_EXPRANGE_TARG`.
   *
   * The validation functions cpfloatf_validate_optstruct() and
   * cpfloat_validate_optstruct() return an error code if the required minimum
   * exponent is smaller than the minimum allowed by the storage format.
   */
  cpfloat_exponent_t emin;
  /**
   * @brief Maximum exponent of target format.
   *
   * @details The maximum values allowed are 127 and 1023 if the storage format
   * is `float` or `double`, respectively. If a larger value is chosen, it is
   * changed to the maximum allowed value without warning. This field is ignored
   * unless `explim` is set to `CPFLOAT_EXPRANGE_TARG`.
   *
   * The validation functions cpfloatf_validate_optstruct() and
   * cpfloat_validate_optstruct() return an error code if the required maximum
   * exponent is larger than the maximum allowed by the storage format.
   */
  cpfloat_exponent_t emax;
  /**
   * @brief Support for extended exponents in target format.
   *
   * @details The upper limit of the exponent range is set to `emax` if this
   * field is set to `CPFLOAT_EXPRANGE_TARG`, and to the upper limit of the
   * exponent range of the storage format if it is set to
   * `CPFLOAT_EXPRANGE_STOR`.
   */
  cpfloat_explim_t explim;
  /**
   * @brief Support for infinities in target format.
   *
   * @details If this field is set to `CPFLOAT_INF_USE`, the target format
   * supports signed infinities. If the field is set to `CPFLOAT_INF_NO`,
   * infinities are replaced with a quiet NaN.
   */
  cpfloat_infinity_t infinity;
  /**
   * @brief Rounding mode to be used for the conversion.
   *
   * @details The values of this field are consistent with those of the MATLAB
   *function `chop`.
   *
   * Possible values are:
   * + CPFLOAT_RND_NA for round-to-nearest with ties-to-away;
   * + CPFLOAT_RND_NZ for round-to-nearest with ties-to-zero;
   * + CPFLOAT_RND_NE for round-to-nearest with ties-to-even;
   * + CPFLOAT_RND_TP for round-to-+&infin;
   * + CPFLOAT_RND_TN for round-to-&minus;&infin;
   * + CPFLOAT_RND_TZ for round-to-zero;
   * + CPFLOAT_RND_SP for stochastic rounding with proportional probabilities;
   * + CPFLOAT_RND_SE for stochastic rounding with equal probabilities;
   * + CPFLOAT_RND_OD for round-to-odd; and
   * + CPFLOAT_NO_RND for no rounding.
   *
   * No rounding is performed if this field is set to any other value.
   *
   * The validation functions cpfloatf_validate_optstruct() and
   * cpfloat_validate_optstruct() return a warning code if a value other than
   * those in the list above is specified.
   */
  cpfloat_rounding_t round;
  /**
   * @brief Support for saturation arithmetic in target format.
   *
   * @details If this field is set to `CPFLOAT_SAT_USE`, numbers too large to be
   * represented in the target format are clamped to the largest floating-point
   * number of appropriate sign. If this field is set to `CPFLOAT_SAT_NO`,
   * numbers that are too large to be represented are rounded to either the
   * largest normal value of appropriate sign or the closest infinity according
   * to the current rounding mode.
   */
  cpfloat_saturation_t saturation;
  /**
   * @brief Support for subnormal numbers in target format.
   *
   * @details Subnormal numbers are supported if this field is set to
   * `CPFLOAT_SUBN_USE` and rounded to a normal number according to the current
   * rounding mode if it is set to `CPFLOAT_SUBN_RND`.
   */
  cpfloat_subnormal_t subnormal;

  /* Bit flips. */
  /**
   * @brief Support for soft errors.
   *
   * @details If this field is not set to `CPFLOAT_SOFTERR_NO`, a single bit
   * flip is introduced in the binary floating-point representation of the
   * rounded result with probability `p`. The bit flip can strike only the
   * target-format fraction (significand without the implicit bit) if this field
   * is set to `CPFLOAT_SOFTERR_FRAC` and any bit in the target-format
   * representation if it is set to `CPFLOAT_SOFTERR_FP`.
   */
  cpfloat_softerr_t flip;
  /**
   * @brief Probability of bit flips.
   *
   * @details The probability of flipping a single bit in the binary
   * floating-point representation or in the fraction (significand without the
   * implicit bit) of a number after rounding. This field is ignored if `flip`
   * is set to `CPFLOAT_SOFTERR_NO`.
   *
   * The validation functions cpfloatf_validate_optstruct() and
   * cpfloat_validate_optstruct() return an error code if `flip` is set to
   * `CPFLOAT_FP_SOFTERR` or `CPFLOAT_SOFTERR_FRAC` and this field does not
   * contain a number in the interval [0,1].
   */
  double p;

  /* Internal: state of pseudo-random number generator. */
  /**
   * @brief Internal state of pseudo-random number generator for single bits.
   *
   * @details This field is used to store the internal state of the random
   *  number generator used when @ref round is set to `CPFLOAT_RND_SE`. This
   *  value should be initialized to `NULL`.
   */
  cpfloat_bitseed_t *bitseed;
  /**
   * @brief Internal state of pseudo-random number generator for `float`s.
   *
   * @details This field is used to store the internal state of the random
   *  number generator used when @ref round is set to `CPFLOAT_RND_SP` and
   *  `float` arrays are used. This value should be initialized to `NULL`.
   */
  cpfloat_randseedf_t *randseedf;
  /**
   * @brief Internal state of pseudo-random number generator for `double`s.
   *
   * @details This field is used to store the internal state of the random
   *  number generator used when @ref round is set to `CPFLOAT_RND_SP` and
   *  `double` arrays are used. This value should be initialized to `NULL`.
   */
  cpfloat_randseed_t *randseed;
} optstruct;

/**
 @brief Populate fields of @ref optstruct from `format` field.

 @details This function populates the fields of @p fpopts based on the
 string in the @p fpopts->format.

 @param[in] fpopts Parameters describing the target format, the rounding mode,
 and the probability of soft errors striking the rounded values.

 @return The function returns @b 0 if the string in @p fpopts->format is a
 valid format name, @b 1 if the string is empty or @p NULL, @b 2 if the string
 is "custom" or "c", and @b -1 if the string is not a valid format name.<p/>
 */
int cpfloat_populate_optstruct_from_format(optstruct *fpopts);

/**
 @brief Allocate @ref optstruct struct to store parameters of target format.

 @details This function allocates and initializes an @ref optstruct struct.

 @return The function returns a pointer to the allocated memory if the
 execution was successful, and @b NULL otherwise.<p/>
 */
optstruct *init_optstruct();

/**
 @brief Free the memory underlying an @ref optstruct struct.

 @details This function attempts to free all the memory used by @p fpopts.

 @param[in] fpopts Pointer to @ref optstruct struct to be deallocated.

 @return The function returns @p 0 unless @p fpopts is set to @p NULL,
 in which case it return @p -1.<p/>
 */
int free_optstruct(optstruct *fpopts);

#endif /* #ifndef _CHOPFAST_DEFINITIONS_ */

/*
 * CPFloat - Custom Precision Floating-point numbers.
 *
 * Copyright 2020 Massimiliano Fasi and Mantas Mikaitis
 *
 * This library is free software; you can redistribute it and/or modify it under
 * the terms of the GNU Lesser General Public License as published by the Free
 * Software Foundation; either version 2.1 of the License, or (at your option)
 * any later version.
 *
 * This library is distributed in the hope that it will be useful, but WITHOUT
 * ANY WARRANTY; without even the implied warranty of MERCHANTABILITY or FITNESS
 * FOR A PARTICULAR PURPOSE. See the GNU Lesser General Public License for more
 * details.
 *
 * You should have received a copy of the GNU Lesser General Public License along
 * with this library; if not, write to the Free Software Foundation, Inc., 51
 * Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA
 */
