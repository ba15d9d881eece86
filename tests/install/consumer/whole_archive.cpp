// Links the whole corofetch archive (see CMakeLists.txt); runs and does nothing.
int main() {
  return 0;
}
