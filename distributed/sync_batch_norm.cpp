#include <xgrad/distributed/sync_batch_norm.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/distributed/environment.hpp>
#include <xgrad/distributed/shared_memory_all_reduce.hpp>

#include <mpi.h>

#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace xg::distributed {
namespace {

// batch_norm's sums, added up over the ranks: through the exchange's shared memory when the layer
// was given one (one meeting instead of an MPI collective's handshakes), else over MPI_COMM_WORLD.
// Either gives every rank the same doubles.
class AllReducedSums : public nn::functional::BatchSums {
 public:
  explicit AllReducedSums(SharedMemoryAllReduce* exchange) : exchange_(exchange) {
    if (exchange_) lifetime_ = exchange_->lifetime();
  }
  std::vector<double> gather(const std::vector<double>& local) override {
    if (SharedMemoryAllReduce* shared = exchange()) return shared->all_gather(local);
    std::vector<double> all(local.size() * static_cast<std::size_t>(world_size()));
    MPI_Allgather(local.data(), static_cast<int>(local.size()), MPI_DOUBLE, all.data(), static_cast<int>(local.size()),
                  MPI_DOUBLE, MPI_COMM_WORLD);
    return all;
  }
  void backward(std::vector<double>& sums, std::size_t count) override {
    // Rank r's g is the gradient of its own shard's mean loss; in the global batch's mean loss that
    // shard weighs n_r / N. So add n_r S_r and divide by this rank's n (the sums are then in the
    // units of this rank's g, which is what its dx formula expects). Equal shards: the plain sum.
    const auto weight = static_cast<double>(count);
    for (double& value : sums) value *= weight;
    sum_over_ranks(sums);
    if (count == 0) return;  // an empty shard has no dx to compute
    for (double& value : sums) value /= weight;
  }

 private:
  // The layer's exchange, nullptr for MPI; an xg::Error once it is destroyed (every rank destroys it
  // together, so every rank throws here, before any collective: none is left waiting).
  SharedMemoryAllReduce* exchange() const {
    if (exchange_ && lifetime_.expired()) {
      throw Error(
          "SyncBatchNorm: expected its SharedMemoryAllReduce to outlive its training passes, got one already "
          "destroyed: keep the exchange alive, or set_exchange(nullptr) to sum through MPI");
    }
    return exchange_;
  }
  void sum_over_ranks(std::vector<double>& sums) const {
    if (SharedMemoryAllReduce* shared = exchange()) {
      shared->sum_over_ranks(sums);
      return;
    }
    MPI_Allreduce(MPI_IN_PLACE, sums.data(), static_cast<int>(sums.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  }

  SharedMemoryAllReduce* exchange_;
  std::weak_ptr<const void> lifetime_;
};

// Walks `module`'s tree and puts make(child) in place of each child for which make returns a module.
template <class Make>
std::size_t replace_below(nn::Module& module, Make make) {
  std::size_t replaced = 0;
  for (const auto& [name, child] : std::vector(module.named_children())) {
    if (std::shared_ptr<nn::Module> replacement = make(*child)) {
      module.replace_module(name, replacement);
      ++replaced;
    } else {
      replaced += replace_below(*child, make);
    }
  }
  return replaced;
}

}  // namespace

SyncBatchNormImpl::SyncBatchNormImpl(const nn::BatchNorm1dOptions& options, SharedMemoryAllReduce* exchange)
    : nn::BatchNorm1dImpl(options) {
  set_exchange(exchange);
}

void SyncBatchNormImpl::pretty_print(std::ostream& out) const {
  // torch's spelling: SyncBatchNorm(256, eps=..., ...), BatchNorm1d's settings after the name.
  std::ostringstream plain;
  nn::BatchNorm1dImpl::pretty_print(plain);
  out << "SyncBatchNorm" << plain.str().substr(std::string("BatchNorm1d").size());
}

SyncBatchNormImpl::SyncBatchNormImpl(const nn::BatchNorm1dImpl& batch_norm, SharedMemoryAllReduce* exchange)
    : nn::BatchNorm1dImpl(batch_norm, std::make_shared<AllReducedSums>(exchange)) {}

void SyncBatchNormImpl::set_exchange(SharedMemoryAllReduce* exchange) {
  across_processes_ = std::make_shared<AllReducedSums>(exchange);
}

std::size_t convert_sync_batchnorm(nn::Module& module, SharedMemoryAllReduce* exchange) {
  return replace_below(module, [exchange](nn::Module& child) -> std::shared_ptr<nn::Module> {
    const auto* plain = dynamic_cast<const nn::BatchNorm1dImpl*>(&child);
    if (!plain || dynamic_cast<const SyncBatchNormImpl*>(&child)) return nullptr;
    return std::make_shared<SyncBatchNormImpl>(*plain, exchange);
  });
}

std::size_t revert_sync_batchnorm(nn::Module& module) {
  return replace_below(module, [](nn::Module& child) -> std::shared_ptr<nn::Module> {
    const auto* sync = dynamic_cast<const SyncBatchNormImpl*>(&child);
    if (!sync) return nullptr;
    return std::make_shared<nn::BatchNorm1dImpl>(*sync, nullptr);
  });
}

}  // namespace xg::distributed
