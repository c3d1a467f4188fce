#pragma once
// One way to declare options, for every package (layers, losses, optimizers, schedulers): a plain
// struct, one line per option with its type, name and default, and libtorch's chained setters.
//
//   struct DropoutOptions {
//     XG_ARG(double, p, 0.5);
//     XG_ARG(bool, inplace, false);
//   };
//   DropoutOptions().p(0.2).inplace(true);   // each setter returns the options, so calls chain
//   options.p()                               // reads it
//
// An option that may be left unset is a std::optional (`XG_ARG(std::optional<int>, max_eval,
// std::nullopt)`), never a sentinel value such as NaN or -1. A type with a comma in it needs an alias
// first (`using Betas = std::tuple<double, double>;`), as a macro argument cannot hold a bare comma.
//
// XG_ARG adds public members only, so it can stand anywhere in a struct: the value `name_`, its setter
// `name(value)` and its getter `name()`. The setter returns the struct that declares the option; a
// family of options that shares options declares them in each member (libtorch does the same), so
// that every chain keeps its type. Where options must be listed or set by name (an optimizer's state
// file), a small table per options type names them: see optim/options.hpp.

// The default is everything after the name, so that a braced default ({0.9, 0.999}) may hold commas.
// `T const&`, not `const T&`: a macro pastes text, and `const Generator*&` would be a reference to a
// pointer to const, where `Generator* const&` is the const reference to the pointer that is meant.
#define XG_ARG(T, name, ...)   \
  T name##_ = __VA_ARGS__;     \
  auto& name(T const& value) { \
    name##_ = value;           \
    return *this;              \
  }                            \
  T const& name() const { return name##_; }
