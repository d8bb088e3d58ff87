# In a clone of https://github.com/seglang/seglang, after npm ci && npm run build:
# the seglang and seglang-train commands, linked to this clone
npm install -g ./apps/infer ./apps/train
# tarballs of the packages your project uses, and of the @seglang packages they depend on
mkdir -p ../seglang-packages
npm pack -w @seglang/contour -w @seglang/polygon-grammar --pack-destination ../seglang-packages
