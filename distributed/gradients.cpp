#include <xgrad/distributed/gradients.hpp>

#include <xgrad/core/error.hpp>

#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

namespace xg::distributed {
namespace {

// What must agree across ranks, as numbers: tensor count, total values, and a hash of every shape
// (and of which tensors have a gradient).
struct Signature {
  std::uint64_t tensors = 0;
  std::uint64_t values = 0;
  std::uint64_t shapes_hash = 14695981039346656037ull;  // FNV-1a's offset basis
};

void hash_in(std::uint64_t& hash, std::uint64_t value) {
  for (int byte = 0; byte < 8; ++byte) {
    hash ^= (value >> (8 * byte)) & 0xffu;
    hash *= 1099511628211ull;  // FNV-1a's prime
  }
}

Signature signature_of(const std::vector<Tensor>& params, bool with_gradients) {
  Signature s;
  s.tensors = params.size();
  for (const Tensor& p : params) {
    const Shape shape = p.shape();
    s.values += p.numel();
    hash_in(s.shapes_hash, shape.size());
    for (std::size_t d : shape) hash_in(s.shapes_hash, d);
    if (with_gradients) hash_in(s.shapes_hash, p.has_grad() ? 1 : 0);
  }
  return s;
}

std::string shapes_text(const std::vector<Tensor>& params) {
  std::string text;
  for (const Tensor& p : params) {
    text += text.empty() ? "[" : ", [";
    const Shape shape = p.shape();
    for (std::size_t d = 0; d < shape.size(); ++d) text += (d ? "," : "") + std::to_string(shape[d]);
    text += "]";
  }
  return text;
}

// The range of `count` floats of the flattened gradients (or values) starting at `first`, walked tensor
// by tensor: calls visit(pointer into the tensor, length) for each piece, in order, so that the caller
// keeps its own place in the bucket.
template <typename Visit>
void for_each_piece(std::vector<float*>& buffers, const std::vector<std::size_t>& sizes, std::size_t first,
                    std::size_t count, Visit visit) {
  std::size_t start = 0;  // where tensor i begins in the flattened list
  for (std::size_t i = 0; i < buffers.size() && count > 0; start += sizes[i], ++i) {
    if (first >= start + sizes[i]) continue;
    const std::size_t offset = first - start;
    const std::size_t length = std::min(sizes[i] - offset, count);
    visit(buffers[i] + offset, length);
    first += length;
    count -= length;
  }
}

// The floats one collective call moves: buckets reuse this buffer from call to call.
std::vector<float>& scratch(std::size_t floats) {
  thread_local std::vector<float> bucket;
  if (bucket.size() < floats) bucket.resize(floats);
  return bucket;
}

int as_count(std::size_t n) { return static_cast<int>(n); }  // n <= a bucket, checked below

std::size_t bucket_floats(std::size_t bytes, const char* op) {
  const std::size_t floats = bytes / sizeof(float);
  if (floats == 0 || floats > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw Error(std::string(op) + ": expected a bucket of 4 bytes to 8 GiB, got " + std::to_string(bytes) + " bytes");
  }
  return floats;
}

// True on every rank when the largest and smallest of each field across ranks agree. One allreduce
// gives both ends: the max of x and the max of ~x (which is ~min x).
template <std::size_t N>
bool equal_on_every_rank(const std::uint64_t (&values)[N], std::uint64_t (&largest)[N], std::uint64_t (&smallest)[N]) {
  std::uint64_t fields[2 * N];
  for (std::size_t i = 0; i < N; ++i) {
    fields[i] = values[i];
    fields[N + i] = ~values[i];
  }
  MPI_Allreduce(MPI_IN_PLACE, fields, static_cast<int>(2 * N), MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
  bool same = true;
  for (std::size_t i = 0; i < N; ++i) {
    largest[i] = fields[i];
    smallest[i] = ~fields[N + i];
    same = same && largest[i] == smallest[i];
  }
  return same;
}

}  // namespace

bool same_on_every_rank(const std::vector<Tensor>& params) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const Tensor& p : params) {
    const float* values = p.data().data();
    for (std::size_t i = 0; i < p.numel(); ++i) {
      std::uint32_t bits = 0;
      std::memcpy(&bits, values + i, sizeof bits);
      hash_in(hash, bits);
    }
  }
  const std::uint64_t mine[1] = {hash};
  std::uint64_t largest[1], smallest[1];
  return equal_on_every_rank(mine, largest, smallest);
}

void check_same_parameters(const std::vector<Tensor>& params, const char* op, bool check_gradients) {
  const Signature mine = signature_of(params, check_gradients);
  const std::uint64_t fields[3] = {mine.tensors, mine.values, mine.shapes_hash};
  std::uint64_t largest[3], smallest[3];
  if (equal_on_every_rank(fields, largest, smallest)) return;
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  throw Error(std::string(op) + ": expected every rank to hold the same parameters (count and shapes" +
              (check_gradients ? ", and which have a gradient" : "") + "), got ranks that differ: tensors " +
              std::to_string(smallest[0]) + " to " + std::to_string(largest[0]) + ", values " +
              std::to_string(smallest[1]) + " to " + std::to_string(largest[1]) + " across ranks; rank " +
              std::to_string(r) + " has " + std::to_string(mine.tensors) + " tensors " + shapes_text(params));
}

void broadcast_parameters(const std::vector<Tensor>& params, int root) {
  const char* op = "broadcast_parameters";
  int world = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &world);
  if (root < 0 || root >= world) {
    throw Error(std::string(op) + ": expected a root rank in 0.." + std::to_string(world - 1) + ", got " +
                std::to_string(root));
  }
  check_same_parameters(params, op);
  std::vector<float*> values;
  std::vector<std::size_t> sizes;
  std::size_t total = 0;
  for (const Tensor& p : params) {
    Tensor handle = p;  // a handle shares the values: writing through it writes the parameter
    values.push_back(handle.data().data());
    sizes.push_back(p.numel());
    total += p.numel();
  }
  const std::size_t cap = bucket_floats(AllReduceOptions().bucket_bytes(), op);
  std::vector<float>& bucket = scratch(std::min(cap, total));
  for (std::size_t first = 0; first < total; first += cap) {
    const std::size_t count = std::min(cap, total - first);
    float* out = bucket.data();
    for_each_piece(values, sizes, first, count, [&](float* piece, std::size_t n) {
      std::copy(piece, piece + n, out);
      out += n;
    });
    MPI_Bcast(bucket.data(), as_count(count), MPI_FLOAT, root, MPI_COMM_WORLD);
    const float* in = bucket.data();
    for_each_piece(values, sizes, first, count, [&](float* piece, std::size_t n) {
      std::copy(in, in + n, piece);
      in += n;
    });
  }
}

void all_reduce_gradients(const std::vector<Tensor>& params, const AllReduceOptions& options) {
  const char* op = "all_reduce_gradients";
  const std::size_t cap = bucket_floats(options.bucket_bytes(), op);
  const bool weighted = options.global_examples() > 0;
  if (weighted && options.local_examples() > options.global_examples()) {
    throw Error(std::string(op) + ": expected local examples <= global examples, got " +
                std::to_string(options.local_examples()) + " > " + std::to_string(options.global_examples()));
  }
  int world = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &world);
  if (world == 1) return;  // one rank: its gradient is already the average (and the whole batch's)
  check_same_parameters(params, op, /*check_gradients=*/true);

  std::vector<float*> grads;
  std::vector<std::size_t> sizes;
  std::size_t total = 0;
  for (const Tensor& p : params) {
    if (!p.has_grad()) continue;
    Tensor handle = p;
    grads.push_back(handle.mutable_grad().data());
    sizes.push_back(p.numel());
    total += p.numel();
  }
  // Unweighted: sum / W (torch's DDP divides by the world size). Weighted: sum of n_r g_r, then / N.
  const float pre_scale = weighted ? static_cast<float>(options.local_examples()) : 1.0f;
  const float divisor = weighted ? static_cast<float>(options.global_examples()) : static_cast<float>(world);
  std::vector<float>& bucket = scratch(std::min(cap, total));
  for (std::size_t first = 0; first < total; first += cap) {
    const std::size_t count = std::min(cap, total - first);
    float* out = bucket.data();
    for_each_piece(grads, sizes, first, count, [&](float* piece, std::size_t n) {
      if (weighted) {
        for (std::size_t i = 0; i < n; ++i) out[i] = piece[i] * pre_scale;
      } else {
        std::copy(piece, piece + n, out);
      }
      out += n;
    });
    MPI_Allreduce(MPI_IN_PLACE, bucket.data(), as_count(count), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    const float* in = bucket.data();
    for_each_piece(grads, sizes, first, count, [&](float* piece, std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) piece[i] = in[i] / divisor;
      in += n;
    });
  }
}

}  // namespace xg::distributed
