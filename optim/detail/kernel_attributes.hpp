#pragma once
// Internal: the build attribute of the optimizers' loops (the optimizer .cpp files and LBFGS's line
// search use it; not installed).

// Marks an optimizer's loop to be compiled twice on x86-64, with and without FMA instructions, the CPU
// picking one when the program loads. Without FMA in the instruction set, std::fma is a library call per
// element, many times slower; with it, the loop vectorizes. Both give the same, correctly rounded results.
// (The per-element functions of optim/functional.hpp are always inlined into these loops, so that they
// are compiled with FMA instructions too.)
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && defined(__linux__) && \
    !defined(XGRAD_NO_TARGET_CLONES)
#define XG_OPTIM_KERNEL __attribute__((target_clones("fma", "default")))
#else
#define XG_OPTIM_KERNEL
#endif
