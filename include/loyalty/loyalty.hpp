// The C++ API of libloyalty, in one include.
#ifndef LOYALTY_LOYALTY_HPP
#define LOYALTY_LOYALTY_HPP

#include "loyalty/status.hpp"
#include "loyalty/money.hpp"
#include "loyalty/member.hpp"
#include "loyalty/program.hpp"
#include "loyalty/checkout.hpp"
#include "loyalty/rules.hpp"
#include "loyalty/database.hpp"

#endif
