#pragma once
// Internal: build attributes for the optimizers' per-element functions and loops. Not part of the
// API (installed only because the public optim/functional.hpp includes it); functional.hpp and the
// optimizer .cpp files use these, nothing else should.

// The per-element functions are always inlined into the loops that call them, so that those loops can
// be compiled with FMA instructions (next macro) where std::fma is one instruction and not a call.
#if defined(__GNUC__) || defined(__clang__)
#define XG_OPTIM_INLINE inline __attribute__((always_inline))
#else
#define XG_OPTIM_INLINE inline
#endif

// Marks an optimizer's loop to be compiled twice on x86-64, with and without FMA instructions, the CPU
// picking one when the program loads. Without FMA in the instruction set, std::fma is a library call per
// element, many times slower; with it, the loop vectorizes. Both give the same, correctly rounded results.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && defined(__linux__) && \
    !defined(XGRAD_NO_TARGET_CLONES)
#define XG_OPTIM_KERNEL __attribute__((target_clones("fma", "default")))
#else
#define XG_OPTIM_KERNEL
#endif
