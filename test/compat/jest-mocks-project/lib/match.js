const picomatch = require('picomatch');

exports.matches = (glob, path) => picomatch(glob)(path);
