# POSIX port: pthreads.
find_package(Threads REQUIRED)
target_link_libraries(akira_kernel PUBLIC Threads::Threads)
