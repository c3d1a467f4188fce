#include <xgrad/nn/module.hpp>

#include <algorithm>
#include <functional>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <typeinfo>
#include <unordered_set>

#if defined(__GNUG__)
#include <cxxabi.h>

#include <cstdlib>
#endif

namespace xg::nn {

StateDict::StateDict(std::initializer_list<Entry> entries) {
  for (const Entry& entry : entries) insert(entry.first, entry.second);
}

void StateDict::insert(std::string name, Tensor tensor, EntryKind kind) {
  if (contains(name)) throw Error("StateDict: '" + name + "' is already there");
  entries_.emplace_back(std::move(name), std::move(tensor));
  kinds_.push_back(kind);
}

EntryKind StateDict::kind(const std::string& name) const {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].first == name) return kinds_[i];
  }
  return EntryKind::real;
}

// A linear search: a state holds tens of entries, and keeping their order is the point.
const Tensor* StateDict::find(const std::string& name) const {
  for (const Entry& entry : entries_) {
    if (entry.first == name) return &entry.second;
  }
  return nullptr;
}

const Tensor& StateDict::operator[](const std::string& name) const {
  if (const Tensor* tensor = find(name)) return *tensor;
  throw Error("StateDict: no key '" + name + "' (the keys are: " + join(keys()) + ")");
}

std::vector<std::string> StateDict::keys() const {
  std::vector<std::string> names;
  for (const Entry& entry : entries_) names.push_back(entry.first);
  return names;
}

Tensor Module::forward(const Tensor& /*input*/) {
  throw Error("forward: " + name() + " does not define forward(const Tensor&)");
}

void Module::check_new_name(const char* what, const std::string& name) const {
  const std::string where = std::string(what) + ": ";
  if (name.empty()) throw Error(where + "the name must not be empty");
  if (name.find('.') != std::string::npos) {
    throw Error(where + "the name '" + name + "' must not contain '.' (dots separate the levels of nested names)");
  }
  auto same_name = [&name](const auto& entry) { return entry.first == name; };
  auto same_buffer_name = [&name](const Buffer& buffer) { return buffer.name == name; };
  if (std::any_of(parameters_.begin(), parameters_.end(), same_name) ||
      std::any_of(buffers_.begin(), buffers_.end(), same_buffer_name) ||
      std::any_of(children_.begin(), children_.end(), same_name)) {
    throw Error(where + "'" + name + "' is already registered in " + this->name());
  }
}

Tensor& Module::register_parameter(const std::string& name, Tensor tensor, bool requires_grad) {
  check_new_name("register_parameter", name);
  if (!tensor.defined()) throw Error("register_parameter: the tensor for '" + name + "' is undefined");
  if (!tensor.is_leaf()) {
    throw Error("register_parameter: '" + name +
                "' must be a leaf tensor, not the result of an op (detach() it first)");
  }
  tensor.requires_grad_(requires_grad);
  parameters_.emplace_back(name, std::move(tensor));
  return parameters_.back().second;
}

Tensor& Module::register_buffer(const std::string& name, Tensor tensor, bool persistent, EntryKind kind) {
  check_new_name("register_buffer", name);
  if (!tensor.defined()) throw Error("register_buffer: the tensor for '" + name + "' is undefined");
  if (!tensor.is_leaf()) {
    throw Error("register_buffer: '" + name + "' must be a leaf tensor, not the result of an op (detach() it first)");
  }
  tensor.requires_grad_(false);
  buffers_.push_back({name, std::move(tensor), persistent, kind});
  return buffers_.back().tensor;
}

std::shared_ptr<Module> Module::register_module(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name("register_module", name);
  if (!module) throw Error("register_module: the module for '" + name + "' is empty (nullptr)");
  if (module.get() == this) throw Error("register_module: cannot register " + this->name() + " inside itself");
  children_.emplace_back(name, module);
  return module;
}

std::shared_ptr<Module> Module::replace_module(const std::string& name, std::shared_ptr<Module> module) {
  if (!module) throw Error("replace_module: the module for '" + name + "' is empty (nullptr)");
  if (module.get() == this) throw Error("replace_module: cannot put " + this->name() + " inside itself");
  for (auto& child : children_) {
    if (child.first == name) {
      child.second = module;
      return module;
    }
  }
  throw Error("replace_module: " + this->name() + " has no submodule named '" + name + "'");
}

std::vector<std::pair<std::string, const Module*>> Module::named_modules() const {
  // Depth first, each module once even when it is registered in several places (PyTorch's memo).
  std::vector<std::pair<std::string, const Module*>> result;
  std::unordered_set<const Module*> seen;
  std::vector<std::pair<std::string, const Module*>> stack{{"", this}};
  while (!stack.empty()) {
    auto [prefix, module] = stack.back();
    stack.pop_back();
    if (!seen.insert(module).second) continue;
    result.emplace_back(prefix, module);
    // Pushed in reverse so that the first child is visited first.
    for (auto child = module->children_.rbegin(); child != module->children_.rend(); ++child) {
      stack.emplace_back(prefix.empty() ? child->first : prefix + "." + child->first, child->second.get());
    }
  }
  return result;
}

// own_entries(module, add) calls add(name, tensor) for each of the module's own entries, in order.
template <class OwnEntries>
std::vector<std::pair<std::string, Tensor>> Module::collect(bool recurse, OwnEntries own_entries) const {
  std::vector<std::pair<std::string, Tensor>> result;
  std::unordered_set<const TensorImpl*> seen;
  auto add_own = [&](const std::string& prefix, const Module& module) {
    own_entries(module, [&](const std::string& name, const Tensor& tensor) {
      if (seen.insert(tensor.id()).second) result.emplace_back(prefix.empty() ? name : prefix + "." + name, tensor);
    });
  };
  if (!recurse) {
    add_own("", *this);
    return result;
  }
  for (const auto& [prefix, module] : named_modules()) add_own(prefix, *module);
  return result;
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters(bool recurse) const {
  return collect(recurse, [](const Module& module, const auto& add) {
    for (const auto& [name, tensor] : module.parameters_) add(name, tensor);
  });
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers(bool recurse) const {
  return collect(recurse, [](const Module& module, const auto& add) {
    for (const Buffer& buffer : module.buffers_) add(buffer.name, buffer.tensor);
  });
}

std::vector<Tensor> Module::buffers(bool recurse) const {
  std::vector<Tensor> result;
  for (auto& entry : named_buffers(recurse)) result.push_back(std::move(entry.second));
  return result;
}

struct Module::StateWalk {
  // The pointers met so far, kept sorted: "each module and each tensor once" with one growing vector
  // instead of a hash set's node for every entry (a state holds tens of entries, read at every load).
  class SeenOnce {
   public:
    SeenOnce() { seen_.reserve(32); }  // what a model of a few layers needs, in one allocation
    bool first_time(const void* pointer) {
      const auto at = std::lower_bound(seen_.begin(), seen_.end(), pointer, std::less<const void*>());
      if (at != seen_.end() && *at == pointer) return false;
      seen_.insert(at, pointer);
      return true;
    }

   private:
    std::vector<const void*> seen_;
  };

  const StateVisitor& visit;
  std::string name;  // the dotted prefix of the module being walked; grown and cut back on the way
  SeenOnce modules, tensors;
};

// Depth first, a module's parameters, then its persistent buffers, then its children: the order of
// named_modules() and state_dict(), each module and each tensor at its first place only.
void Module::walk_state(StateWalk& walk) const {
  if (!walk.modules.first_time(this)) return;
  const std::size_t prefix = walk.name.size();
  const auto visit_own = [&walk, prefix](const std::string& name, const Tensor& tensor, EntryKind kind) {
    if (!walk.tensors.first_time(tensor.id())) return;
    walk.name.resize(prefix);
    walk.name += name;
    walk.visit(walk.name, tensor, kind);
  };
  for (const auto& [name, tensor] : parameters_) visit_own(name, tensor, EntryKind::real);
  for (const Buffer& buffer : buffers_) {
    if (buffer.persistent) visit_own(buffer.name, buffer.tensor, buffer.kind);
  }
  for (const auto& [name, child] : children_) {
    walk.name.resize(prefix);
    walk.name.append(name).append(".");
    child->walk_state(walk);
  }
  walk.name.resize(prefix);
}

void Module::for_each_state_entry(const StateVisitor& visit) const {
  StateWalk walk{visit, {}, {}, {}};
  walk.name.reserve(64);
  walk_state(walk);
}

StateDict Module::state_dict() const {
  StateDict state;
  for_each_state_entry(
      [&state](const std::string& name, const Tensor& tensor, EntryKind kind) { state.insert(name, tensor, kind); });
  return state;
}

void Module::load_state_dict(const StateDict& state, bool strict) {
  const StateDict own = state_dict();
  std::vector<std::string> missing, unexpected, reshaped;
  for (const auto& [name, tensor] : own) {
    const Tensor* given = state.find(name);
    if (!given) {
      missing.push_back(name);
    } else if (!given->defined()) {
      reshaped.push_back(name + ": the given tensor is undefined");
    } else if (!same_shape(given->data(), tensor.data())) {
      reshaped.push_back(name + ": " + to_string(given->shape()) + " given, " + to_string(tensor.shape()) +
                         " in the module");
    }
  }
  for (const auto& entry : state) {
    if (!own.contains(entry.first)) unexpected.push_back(entry.first);
  }
  if (!strict) {
    missing.clear();
    unexpected.clear();
  }
  if (!missing.empty() || !unexpected.empty() || !reshaped.empty()) {
    std::string message = "load_state_dict: the state does not fit " + name() + ":";
    if (!missing.empty()) message += " missing keys: " + join(missing) + ";";
    if (!unexpected.empty()) message += " unexpected keys: " + join(unexpected) + ";";
    if (!reshaped.empty()) message += " shape mismatch for " + join(reshaped, "; ") + ";";
    throw Error(message + " nothing was changed");
  }
  for (const auto& [name, tensor] : own) {
    const Tensor* given = state.find(name);
    if (!given || given->id() == tensor.id()) continue;
    const Array& values = given->data();
    Tensor target = tensor;
    std::copy(values.data(), values.data() + values.size(), target.data().data());
  }
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> result;
  for (auto& entry : named_parameters(recurse)) result.push_back(std::move(entry.second));
  return result;
}

std::vector<std::shared_ptr<Module>> Module::children() const {
  std::vector<std::shared_ptr<Module>> result;
  for (const auto& entry : children_) result.push_back(entry.second);
  return result;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& entry : children_) entry.second->train(on);
}

void Module::zero_grad(bool set_to_none) {
  for (Tensor& parameter : parameters()) {
    if (parameter.has_grad()) parameter.zero_grad(set_to_none);
  }
}

std::string Module::name() const {
  std::string full = typeid(*this).name();
#if defined(__GNUG__)
  int status = 0;
  char* demangled = abi::__cxa_demangle(full.c_str(), nullptr, nullptr, &status);
  if (status == 0 && demangled) full = demangled;
  std::free(demangled);
#endif
  const std::size_t colon = full.rfind("::");
  std::string short_name = colon == std::string::npos ? full : full.substr(colon + 2);
  const std::string suffix = "Impl";
  if (short_name.size() > suffix.size() &&
      short_name.compare(short_name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    short_name.resize(short_name.size() - suffix.size());
  }
  return short_name;
}

void Module::pretty_print(std::ostream& out) const { out << name() << "()"; }

namespace {

void print_tree(std::ostream& out, const Module& module, const std::string& indent) {
  if (module.named_children().empty()) {
    module.pretty_print(out);
    return;
  }
  out << module.name() << "(\n";
  for (const auto& [name, child] : module.named_children()) {
    out << indent << "  (" << name << "): ";
    print_tree(out, *child, indent + "  ");
    out << "\n";
  }
  out << indent << ")";
}

}  // namespace

std::ostream& operator<<(std::ostream& out, const Module& module) {
  print_tree(out, module, "");
  return out;
}

std::string format_count(std::size_t count) {
  std::string digits = std::to_string(count);
  for (long at = static_cast<long>(digits.size()) - 3; at > 0; at -= 3)
    digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

std::string Module::summary() const {
  struct Row {
    std::string layer, module, parameters, count;
  };
  std::vector<Row> rows{{"Layer", "Module", "Parameters", "Count"}};
  std::size_t total = 0, trainable = 0;
  for (const auto& [prefix, module] : named_modules()) {
    const auto own = module->named_parameters(false);
    // Containers print through their layers; a layer (or a module with its own parameters) gets a row.
    if (!module->named_children().empty() && own.empty()) continue;
    std::ostringstream line;
    module->pretty_print(line);
    std::string shapes;
    std::size_t count = 0;
    for (const auto& [name, tensor] : own) {
      shapes += (shapes.empty() ? "" : ", ") + name + " " + to_string(tensor.shape());
      count += tensor.numel();
    }
    rows.push_back({prefix.empty() ? "(self)" : prefix, line.str(), shapes, format_count(count)});
  }
  for (const Tensor& parameter : parameters()) {
    total += parameter.numel();
    if (parameter.requires_grad()) trainable += parameter.numel();
  }
  std::size_t widths[4] = {0, 0, 0, 0};
  for (const Row& row : rows) {
    widths[0] = std::max(widths[0], row.layer.size());
    widths[1] = std::max(widths[1], row.module.size());
    widths[2] = std::max(widths[2], row.parameters.size());
    widths[3] = std::max(widths[3], row.count.size());
  }
  std::ostringstream out;
  out << name() << " summary\n";
  for (const Row& row : rows) {
    out << std::left << std::setw(static_cast<int>(widths[0])) << row.layer << "  "
        << std::setw(static_cast<int>(widths[1])) << row.module << "  " << std::setw(static_cast<int>(widths[2]))
        << row.parameters << "  " << std::right << std::setw(static_cast<int>(widths[3])) << row.count << "\n";
  }
  out << "Total parameters: " << format_count(total) << " (trainable: " << format_count(trainable) << ")\n";
  return out.str();
}

}  // namespace xg::nn
