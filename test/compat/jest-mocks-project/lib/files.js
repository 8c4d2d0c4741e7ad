const fs = require('fs');

exports.firstLine = (path) => fs.readFileSync(path, 'utf8').split('\n')[0];
