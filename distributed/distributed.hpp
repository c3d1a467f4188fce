#pragma once
// Everything in xgrad's distributed package (data-parallel training over MPI). Not part of
// <xgrad/xgrad.hpp>: it exists only in builds with MPI; link xgrad::distributed.

#include <xgrad/distributed/backward_all_reduce.hpp>
#include <xgrad/distributed/batch_shard.hpp>
#include <xgrad/distributed/environment.hpp>
#include <xgrad/distributed/gradients.hpp>
#include <xgrad/distributed/metrics.hpp>
#include <xgrad/distributed/rank_state.hpp>
#include <xgrad/distributed/sampler.hpp>
#include <xgrad/distributed/sharded_optimizer.hpp>
#include <xgrad/distributed/shared_memory_all_reduce.hpp>
#include <xgrad/distributed/sync_batch_norm.hpp>
