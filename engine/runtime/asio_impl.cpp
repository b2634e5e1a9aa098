// The compiled parts of Boost.Asio (with SSL) and Boost.Beast, once for the whole program
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION, set by the runtime target),
// so that the other runtime files do not each pay for them.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
