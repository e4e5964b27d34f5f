# Copies the named shared libraries of one Debian package and points their RUNPATH at the
# store paths of the libraries they link.
/usr/bin/mkdir -p "$out/lib"
for so in $sonames; do
  /usr/bin/cp -L "$libDir/$so" "$out/lib/$so"
  /usr/bin/chmod u+w "$out/lib/$so"
  /usr/bin/patchelf --set-rpath "$out/lib:$runpath" "$out/lib/$so"
done
