#pragma once

/// @file operators.hpp
/// @brief Convenience include of every fixed-point map building block, one header each:
/// `CallableMap`/`make_map`/`proximal_map` (callable_map.hpp), `LinearResolvent`
/// (linear_resolvent.hpp), `Reflection` (reflection.hpp), `ForwardBackward`
/// (forward_backward.hpp), `DouglasRachford` (douglas_rachford.hpp) and `LpPdhg` (lp_pdhg.hpp).
/// The proximal operators they are usually built from live in iterum/prox/.

#include "iterum/fixed_point/callable_map.hpp"
#include "iterum/fixed_point/douglas_rachford.hpp"
#include "iterum/fixed_point/forward_backward.hpp"
#include "iterum/fixed_point/linear_resolvent.hpp"
#include "iterum/fixed_point/lp_pdhg.hpp"
#include "iterum/fixed_point/reflection.hpp"
#include "iterum/prox/box.hpp"
#include "iterum/prox/least_squares.hpp"
#include "iterum/prox/soft_threshold.hpp"
