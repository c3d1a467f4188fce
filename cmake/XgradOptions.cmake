# Compiler flags shared by the library, its tests, examples and benchmarks.

# -O3 and -fno-math-errno let GCC vectorize plain loops and inline std::sqrt (at -O2 a fused Adam loop
# stayed scalar and ran 7x slower). Not -ffast-math: results must match PyTorch to float precision.
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  string(APPEND CMAKE_CXX_FLAGS_RELEASE " -fno-math-errno")
  string(REPLACE "-O2" "-O3" CMAKE_CXX_FLAGS_RELEASE "${CMAKE_CXX_FLAGS_RELEASE}")
  string(REPLACE "-O2" "-O3" CMAKE_CXX_FLAGS_RELWITHDEBINFO "${CMAKE_CXX_FLAGS_RELWITHDEBINFO}")
  # PyTorch rounds after every tensor op except where its kernels fuse on purpose (add with alpha,
  # addcmul: see optim/functional.hpp, which writes those std::fma). GCC's C++ default would fuse any
  # a * b + c into one FMA whenever FMA instructions are on (-march=native, the optimizers' FMA clones),
  # silently changing the numbers.
  add_compile_options(-ffp-contract=off)
endif()

if(XGRAD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

function(xgrad_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(XGRAD_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
