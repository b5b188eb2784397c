// Transform every JS file under node_modules (< 600 KB), check the output parses; report crashes and parse failures.
const fs=require('fs'),path=require('path');const {transform}=require('./dist/transformer/index.js');const acorn=require('acorn');
const files=[];const walk=d=>{for(const e of fs.readdirSync(d,{withFileTypes:true})){const p=path.join(d,e.name);if(e.isDirectory()){if(e.name!=='.bin'&&e.name!=='typescript'&&!p.includes('/test'))walk(p)}else if(/\.(m?js|cjs)$/.test(e.name)&&!e.name.endsWith('.min.js')){const s=fs.statSync(p).size;if(s<600000&&s>200)files.push(p)}}};
walk('node_modules');
const shard=+process.argv[2], shards=+process.argv[3];
let n=0,crash=0,bad=0;const hist={};
for(let i=shard;i<files.length;i+=shards){const f=files[i];const src=fs.readFileSync(f,'utf8');let srcType;
 try{acorn.parse(src,{ecmaVersion:'latest',sourceType:'module'});srcType='module'}catch{try{acorn.parse(src,{ecmaVersion:'latest',sourceType:'script',allowReturnOutsideFunction:true,allowHashBang:true});srcType='script'}catch{continue}}
 n++;let out;
 try{out=transform(src,{filename:path.basename(f)})}catch(e){crash++;console.log('CRASH',f,String(e.message).slice(0,200));continue}
 for(const d of out.diagnostics){hist['_'+d.code]=(hist['_'+d.code]||0)+1; if(d.code!=='accessor')console.log('DIAG',f+':'+d.line,d.code,d.message.slice(0,160))}
 try{acorn.parse(out.code,{ecmaVersion:'latest',sourceType:/^\s*import |\nimport |\nexport /.test(out.code)?'module':srcType,allowReturnOutsideFunction:true,allowHashBang:true})}catch(e){bad++;console.log('PARSE',f,e.message)}
}
console.log('files',n,'crash',crash,'badparse',bad,JSON.stringify(hist));
