# In your project, next to the clone:
npm install ../seglang-packages/seglang-contour-0.1.0.tgz ../seglang-packages/seglang-polygon-grammar-0.1.0.tgz
