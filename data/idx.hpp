#pragma once
// Readers for the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
// a 4-byte magic number 0x0000TTDD (TT = 0x08 for unsigned bytes, DD = number of dimensions), DD
// big-endian uint32 sizes, then the data. Files may be plain or gzip-compressed (.gz or not: zlib
// tells them apart by content).
//
// Every problem throws xg::Error naming the function, the file, the byte offset, what was expected and
// what was found: a missing file, a bad magic number, a wrong number of dimensions, a file shorter or
// longer than its header says, corrupt gzip data. Memory is allocated only for data actually present in
// the file, never from a header's claims alone.

#include <xgrad/data/dataset.hpp>

#include <string>

namespace xg::data {

// An images file (magic 0x00000803): shape [count, rows, columns], the raw pixel values 0..255 as
// floats (unscaled; load_mnist and scale_to_unit_ divide by 255).
Array read_idx_images(const std::string& path);

// A labels file (magic 0x00000801): one label per example, 0..255. With num_classes > 0 every label
// must be below it (a label out of range throws, naming its offset); 0 accepts any byte.
Labels read_idx_labels(const std::string& path, std::size_t num_classes = 0);

}  // namespace xg::data
