// djflow's entry point: everything is composed in cli::run (app.cpp).
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  // `djflow --version` needs nothing else: answered before the command tree, the locale and the
  // settings are read (issue 7 §6, docs/performance.md "A lean process"). Same text as run()'s.
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    std::fputs("djflow 0.1.0\n", stdout);
    return 0;
  }
  return djflow::cli::run(argc, argv, std::cout, std::cerr);
}
