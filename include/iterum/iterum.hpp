#pragma once

/// @file iterum.hpp
/// @brief Umbrella header: every public iterum header (convenience only; include what you use).

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/info.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/observe.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/cg.hpp"
#include "iterum/linalg/direct_solver.hpp"
#include "iterum/linalg/identity_preconditioner.hpp"
#include "iterum/linalg/jacobi_preconditioner.hpp"
#include "iterum/linalg/laplacian.hpp"
#include "iterum/linalg/linear_system.hpp"
#include "iterum/linalg/operators.hpp"
#include "iterum/ot/entropic_problem.hpp"
#include "iterum/ot/sinkhorn.hpp"
#include "iterum/ot/sinkhorn_newton_sparse.hpp"
#include "iterum/ot/transport_result.hpp"
#include "iterum/version.hpp"
