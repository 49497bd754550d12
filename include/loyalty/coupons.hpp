// Coupon codes: short, unambiguous to read aloud or type, with a check character so a typo is
// caught before any lookup.
//
// Alphabet: 23456789ABCDEFGHJKLMNPQRSTUVWXYZ (32 symbols: no 0/O, no 1/I). A generated code is 9
// random symbols from the operating system's cryptographic source (getrandom: 45 bits) and one
// check symbol (Luhn mod 32), printed as XXXXX-XXXXX. The check catches every single wrong symbol
// and every swap of two neighbours except "2"<->"Z" (the first and last symbols, as 0<->9 in
// the card-number Luhn).
#ifndef LOYALTY_COUPONS_HPP
#define LOYALTY_COUPONS_HPP

#include <string>
#include <string_view>

namespace loyalty::coupon {

// Upper-case, without spaces and dashes ("abcde-fghjk " → "ABCDEFGHJK").
std::string normalize(std::string_view code);
// The Luhn mod 31 check symbol for `data` (which must use the alphabet).
char check_symbol(std::string_view data);
// True when a normalised code has 10 symbols of the alphabet and a correct check symbol.
bool well_formed(std::string_view normalized);
// A new random code, normalised (10 symbols).
std::string generate();
// "ABCDEFGHJK" → "ABCDE-FGHJK".
std::string display(std::string_view normalized);

}  // namespace loyalty::coupon

#endif
