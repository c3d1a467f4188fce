// Built by scripts/check_install.sh when the installed xgrad has distributed/: its headers and the
// exported xgrad::distributed must be enough. Runs without mpirun (the sampler is told its rank).
#include <xgrad/distributed/distributed.hpp>

#include <iostream>
#include <vector>

int main() {
  xg::distributed::DistributedSampler sampler(
      xg::distributed::DistributedSamplerOptions().num_replicas(4).rank(3).shuffle(false));
  const std::vector<std::size_t> expected = {3, 7, 1};  // 10 examples padded to 12: positions 3, 7, 11
  if (sampler.epoch_indices(10) != expected) {
    std::cerr << "consumer_distributed: wrong indices for rank 3 of 4\n";
    return 1;
  }
  std::cout << "consumer_distributed: find_package(xgrad) gives xgrad::distributed; rank 3 of 4 reads 3, 7, 1\n";
  return 0;
}
