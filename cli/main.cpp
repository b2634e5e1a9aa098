// djflow's entry point: everything is composed in cli::run (app.cpp).
#include <iostream>

#include "cli/app.hpp"

int main(int argc, char** argv) { return djflow::cli::run(argc, argv, std::cout, std::cerr); }
