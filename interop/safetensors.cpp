// safetensors' loads: load_file (every tensor into a StateDict) and load_model (the module's own
// tensors, strict or not). A file is checked whole (safetensors_header.cpp) and fitted to the module
// before anything is read into it; its bytes are read by safetensors_read.cpp.

#include <xgrad/interop/safetensors.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/interop/detail/safetensors_read.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace xg::interop {

using detail::CheckedEntry;
using detail::CheckedHeader;
using detail::HeaderRead;
using detail::InputFile;
using detail::quoted;
using detail::read_header;
using detail::read_values;

nn::StateDict load_file(const std::string& path, Metadata* metadata) {
  const std::string where = "load_file: " + quoted(path);
  const InputFile file(path, "load_file");
  HeaderRead read = read_header(file, where);
  const std::vector<CheckedEntry>& all = read.checked.entries;  // in the order of their data
  std::vector<const CheckedEntry*> entries;
  entries.reserve(all.size());
  for (const CheckedEntry& entry : all) entries.push_back(&entry);
  std::vector<Array> values = read_values(file, read, entries, where);
  nn::StateDict state;
  for (std::size_t i = 0; i < all.size(); ++i) {
    state.insert(all[i].name, Tensor(std::move(values[i])),
                 all[i].dtype->is_float ? nn::EntryKind::real : nn::EntryKind::count);
  }
  if (metadata) *metadata = std::move(read.checked.metadata);
  return state;
}

LoadResult load_model(nn::Module& module, const std::string& path, bool strict) {
  const std::string where = "load_model: " + quoted(path);
  const InputFile file(path, "load_model");
  HeaderRead read = read_header(file, where);
  const CheckedHeader& header = read.checked;
  const std::vector<CheckedEntry>& entries = header.entries;  // in the order of their data
  const std::vector<std::uint32_t>& by_name = read.checked.by_name;

  // Keys and shapes first, from the header alone: nothing is read or allocated for a file that does not fit.
  // Each of the module's names (visited, not copied into a StateDict) is looked up in the file's, sorted.
  std::vector<bool> in_module(entries.size(), false);
  std::vector<std::pair<std::uint32_t, Tensor>> targets;  // the file's entry (its place), the module's tensor
  targets.reserve(entries.size());
  LoadResult result;
  std::vector<std::string> mismatched;
  module.for_each_state_entry([&](const std::string& name, const Tensor& tensor, nn::EntryKind) {
    const auto found =
        std::lower_bound(by_name.begin(), by_name.end(), name,
                         [&entries](std::uint32_t i, const std::string& key) { return entries[i].name < key; });
    if (found == by_name.end() || entries[*found].name != name) {
      result.missing_keys.push_back(name);
      return;
    }
    const CheckedEntry& entry = entries[*found];
    in_module[*found] = true;
    targets.emplace_back(*found, tensor);
    const auto& dims = tensor.data().shape();
    if (!std::equal(header.dims_begin(entry), header.dims_end(entry), dims.begin(), dims.end())) {
      mismatched.push_back("'" + name + "' is " + to_string(header.shape(entry)) + " in the file and " +
                           to_string(tensor.shape()) + " in the module");
    }
  });
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!in_module[i]) result.unexpected_keys.push_back(entries[i].name);
  }
  std::string problems;
  if (!mismatched.empty()) problems += " shape mismatch: " + join(mismatched, "; ") + ";";
  if (strict && !result.missing_keys.empty()) problems += " missing keys: " + join(result.missing_keys) + ";";
  if (strict && !result.unexpected_keys.empty()) problems += " unexpected keys: " + join(result.unexpected_keys) + ";";
  if (!problems.empty())
    throw Error(where + " does not fit " + module.name() + ":" + problems + " the module was not changed");

  // Then the values, in the order of their data, into new arrays. Only when all of them are read do
  // they replace the module's (a move, not a copy): the module's tensors stay the same handles, so an
  // optimizer's stay valid.
  std::sort(targets.begin(), targets.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const CheckedEntry*> wanted;
  wanted.reserve(targets.size());
  for (const auto& target : targets) wanted.push_back(&entries[target.first]);
  std::vector<Array> values = read_values(file, read, wanted, where);
  for (std::size_t i = 0; i < targets.size(); ++i) targets[i].second.data() = std::move(values[i]);
  result.metadata = std::move(read.checked.metadata);
  return result;
}

}  // namespace xg::interop
