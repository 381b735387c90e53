// The net-only binary of the boundary check (CMakeLists.txt here): linking
// it is the test; running it does nothing.
int main() { return 0; }
