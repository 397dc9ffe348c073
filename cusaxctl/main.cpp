// cusaxctl: the operator's tool for the binding store (see README, "cusaxctl").
#include <iostream>

#include "cusaxctl/run_cusaxctl.hpp"

int main(int argc, char** argv) {
    return cusax::ctl::run_cusaxctl(std::vector<std::string>(argv, argv + argc), std::cout,
                                    std::cerr);
}
