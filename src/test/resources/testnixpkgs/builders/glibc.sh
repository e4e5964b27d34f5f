# Copies libc6's shared libraries. They are left unpatched: the loader finds them by soname
# through the RUNPATH of whatever links them.
/usr/bin/mkdir -p "$out/lib"
for f in $(/usr/bin/dpkg -L libc6 | /usr/bin/grep -E '^(/usr)?/lib/x86_64-linux-gnu/[^/]*\.so[^/]*$'); do
  /usr/bin/cp -L "$f" "$out/lib/"
done
/usr/bin/chmod -R u+w "$out"
