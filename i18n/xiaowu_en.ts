<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>PinPadScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="114" />
        <source>运维人员验证</source>
        <translation>Operator check</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="116" />
        <source>密码错误，还可以再试 {n} 次。</source>
        <translation>Wrong PIN. {n} tries left.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="119" />
        <source>错误次数过多，请在 {time} 后再试。</source>
        <translation>Too many wrong tries. Try again in {time}.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="123" />
        <source>本机未设置运维密码。</source>
        <translation>No operator PIN is set on this booth.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="125" />
        <source>请输入运维密码</source>
        <translation>Enter the operator PIN</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="127" />
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="128" />
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="129" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>OperatorMenuScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="210" />
        <source>正在自检，请稍候……</source>
        <translation>Checking, please wait…</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="212" />
        <source>自检结果</source>
        <translation>Self-check results</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="214" />
        <source>没有自检结果。</source>
        <translation>No self-check results.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="187" />
        <source>运维菜单</source>
        <translation>Operator menu</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="188" />
        <source>本次办理已结束，市民资料已清除。</source>
        <translation>Any citizen session has ended and its data is wiped.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="189" />
        <source>退出应用</source>
        <translation>Exit the app</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="190" />
        <source>清洁屏幕</source>
        <translation>Clean the screen</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="191" />
        <source>设备自检</source>
        <translation>Self-check</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="192" />
        <source>返回</source>
        <translation>Back</translation>
    </message>
</context>
<context>
    <name>CleaningScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/cleaning.py" line="45" />
        <source>正在清洁屏幕</source>
        <translation>Cleaning the screen</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/cleaning.py" line="46" />
        <source>触摸已暂停，请放心擦拭。</source>
        <translation>Touch is paused: wipe away.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/cleaning.py" line="47" />
        <source>倒计时结束后自动恢复</source>
        <translation>Back when the countdown ends</translation>
    </message>
</context>
<context>
    <name>AttractScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/attract.py" line="94" />
        <source>欢迎使用政务晓屋</source>
        <translation>Welcome to Xiaowu</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/attract.py" line="95" />
        <source>企业和群众办事，就近一次办好</source>
        <translation>Public services for people and businesses, done nearby in one visit</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/attract.py" line="96" />
        <source>已预约？扫码开门</source>
        <translation>Booked? Scan to open the door</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/attract.py" line="98" />
        <source>用手机扫描右侧的二维码，玻璃门将自动打开，预约的事项会自动带出。</source>
        <translation>Scan the QR code on the right with your phone: the glass door opens by itself and your booking comes up.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/attract.py" line="100" />
        <source>现场办理？轻触屏幕</source>
        <translation>Walk-in? Touch the screen</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/attract.py" line="102" />
        <source>选择要办的事项，数字业务员和视频坐席工作人员将一步步协助您。</source>
        <translation>Choose what you need; the digital clerk and our clerks on video will guide you step by step.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/attract.py" line="104" />
        <source>轻触开始办理</source>
        <translation>Touch to start</translation>
    </message>
</context>
<context>
    <name>BoothWindow</name>
    <message>
        <location filename="../kiosk/ui/window.py" line="100" />
        <source>网络连接中断：您可以继续浏览办事指南，办理内容将在网络恢复后自动提交。</source>
        <translation>Network connection lost: you can keep browsing the service guides; your application will be sent automatically once the network is back.</translation>
    </message>
</context>
<context>
    <name>CallScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="57" />
        <source>正在为您呼叫工作人员</source>
        <translation>Calling a clerk for you</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="58" />
        <source>正在接通…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="59" />
        <source>视频通话中</source>
        <translation>On a video call</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="60" />
        <source>通话已结束</source>
        <translation>The call has ended</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="61" />
        <source>暂时没有空闲的工作人员</source>
        <translation>No clerk is free right now</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="65" />
        <source>排队部门：{d}</source>
        <translation>Queue: {d}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="65" />
        <source>综合坐席</source>
        <translation>General service desk</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="67" />
        <source>您前面还有 {n} 位</source>
        <translation>{n} ahead of you</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="69" />
        <source>预计等待约 {m} 分钟</source>
        <translation>about {m} min wait</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="72" />
        <source>您可以先自助浏览办事指南，或稍后再次点击“人工服务”。</source>
        <translation>You can browse the service guides meanwhile, or tap "Talk to a clerk" again later.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="74" />
        <source>感谢您的耐心，您可以继续办理或结束办理。</source>
        <translation>Thank you for your patience. You can carry on or finish.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="76" />
        <source>请面向屏幕，工作人员可以看到您和高拍仪画面。</source>
        <translation>Please face the screen; the clerk can see you and the document camera.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="78" />
        <source>工作人员接通后，视频画面将显示在这里</source>
        <translation>The video appears here once a clerk answers</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="82" />
        <source>通话中的工作人员：{names}</source>
        <translation>Clerks in the call: {names}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="90" />
        <source>挂断</source>
        <translation>Hang up</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="90" />
        <source>取消呼叫</source>
        <translation>Cancel call</translation>
    </message>
    <message>
        <source>视频通话前，请确认</source>
        <translation>Before the video call, please confirm</translation>
    </message>
    <message>
        <source>网络不稳定，正在重新连接…</source>
        <translation>The network is unstable; reconnecting…</translation>
    </message>
    <message>
        <source>工作人员将通过视频为您办理</source>
        <translation>A clerk will help you over video</translation>
    </message>
    <message>
        <source>您可以继续等待，咨询数字工作人员，或预约工作人员回电。</source>
        <translation>You can keep waiting, ask the digital clerk, or book a call back from a clerk.</translation>
    </message>
    <message>
        <source>请稍候，通话会自动恢复，无需任何操作。</source>
        <translation>Please wait: the call will resume by itself; you need not do anything.</translation>
    </message>
    <message>
        <source>网络较慢，已切换为语音通话。</source>
        <translation>The network is slow: switched to a voice-only call.</translation>
    </message>
    <message>
        <source>正在发送视频</source>
        <translation>Sending video</translation>
    </message>
    <message>
        <source>本次通话将录音录像</source>
        <translation>This call is recorded</translation>
    </message>
    <message>
        <source>同意后将打开摄像头和高拍仪，工作人员可以看到您和您放在高拍仪下的材料。通话中屏幕上方会一直显示“正在发送视频”。</source>
        <translation>If you agree, the camera and the document camera turn on: the clerk will see you and the papers you place under the document camera. During the call, "Sending video" stays shown at the top of the screen.</translation>
    </message>
    <message>
        <source>按照规定，本次通话将录音录像，仅用于业务办理和监督。</source>
        <translation>As required, this call is recorded, only for handling your application and for supervision.</translation>
    </message>
    <message>
        <source>同意并开启摄像头</source>
        <translation>Agree and turn on the camera</translation>
    </message>
    <message>
        <source>不同意，返回</source>
        <translation>Disagree, go back</translation>
    </message>
    <message>
        <source>继续等待</source>
        <translation>Keep waiting</translation>
    </message>
    <message>
        <source>咨询数字工作人员</source>
        <translation>Ask the digital clerk</translation>
    </message>
    <message>
        <source>预约工作人员回电</source>
        <translation>Book a call back</translation>
    </message>
    <message>
        <source>正在重新连接…</source>
        <translation>Reconnecting…</translation>
    </message>
    <message>
        <source>您的画面</source>
        <translation>You</translation>
    </message>
    <message>
        <source>高拍仪画面（点按放大）</source>
        <translation>Document camera (tap to enlarge)</translation>
    </message>
    <message>
        <source>高拍仪画面（点按还原）</source>
        <translation>Document camera (tap to restore)</translation>
    </message>
    <message>
        <source>取消静音</source>
        <translation>Unmute</translation>
    </message>
    <message>
        <source>静音</source>
        <translation>Mute</translation>
    </message>
    <message>
        <source>还原高拍仪画面</source>
        <translation>Restore document</translation>
    </message>
    <message>
        <source>放大高拍仪画面</source>
        <translation>Enlarge document</translation>
    </message>
    <message>
        <source>工作人员</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>{n}号座席</source>
        <translation>Seat {n}</translation>
    </message>
</context>
<context>
    <name>CaptureScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="1" />
        <source>没带这份材料</source>
        <translation>I don't have this one</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="90" />
        <source>材料</source>
        <translation>document</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="91" />
        <source>拍摄材料：{m}</source>
        <translation>Capture: {m}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="93" />
        <source>请将材料正面朝上，平放在台面的拍摄区内。</source>
        <translation>Place the document face up, flat in the marked area on the desk.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="94" />
        <source>请保持材料不动，正在对焦…</source>
        <translation>Hold the document still, focusing…</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="95" />
        <source>正在识别材料内容，请稍候…</source>
        <translation>Reading the document, one moment…</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="96" />
        <source>已拍好。如有下一页，请翻页后继续拍摄。</source>
        <translation>Captured. If there is another page, turn it and capture again.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="100" />
        <source>高拍仪画面</source>
        <translation>Document camera</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="102" />
        <source>已拍摄 {n} 页</source>
        <translation>Pages captured: {n}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="103" />
        <source>拍摄</source>
        <translation>Capture</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="103" />
        <source>拍摄下一页</source>
        <translation>Capture next page</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="104" />
        <source>拍好了，下一步</source>
        <translation>Done, next step</translation>
    </message>
</context>
<context>
    <name>ConfirmScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/confirm.py" line="55" />
        <source>请核对：{t}</source>
        <translation>Please check: {t}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/confirm.py" line="55" />
        <source>请核对信息</source>
        <translation>Please check the details</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/confirm.py" line="57" />
        <source>以下内容由系统识别或工作人员填写，请逐项核对。</source>
        <translation>These details were read from your documents or filled in by a clerk. Please check each one.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/confirm.py" line="58" />
        <source>有误，找人工修改</source>
        <translation>Wrong? Ask a clerk</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/confirm.py" line="59" />
        <source>确认无误，提交</source>
        <translation>All correct, submit</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/confirm.py" line="63" />
        <source>暂无需要核对的内容。</source>
        <translation>Nothing to check yet.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/confirm.py" line="72" />
        <source>（未填写）</source>
        <translation>(empty)</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="51" />
        <source>办理完成</source>
        <translation>All done</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="55" />
        <source>{c} 已发送至您的手机，请注意查收。</source>
        <translation>{c} has been sent to your phone.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="57" />
        <source>{c} 办结后将发送至您的手机。</source>
        <translation>{c} will be sent to your phone when it is issued.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="59" />
        <source>办理进度和结果将通过短信通知您。</source>
        <translation>We will text you the progress and the result.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="61" />
        <source>点击“结束办理”后，您在本机留下的照片和资料将被彻底清除。</source>
        <translation>When you tap "Finish", every photo and detail you left on this booth is erased.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="62" />
        <source>结束办理</source>
        <translation>Finish</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="80" />
        <source>正在审核</source>
        <translation>Checking your application</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="81" />
        <source>正在核对您提交的申请，请稍候，不要离开。</source>
        <translation>We are checking what you submitted. Please wait a moment and do not leave yet.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="83" />
        <source>已提交，转人工审核</source>
        <translation>Submitted: a clerk will review it</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="84" />
        <source>您的申请需要工作人员审核。审核结果将发送到您的手机，您无需在此等候。</source>
        <translation>Your application needs a clerk's review. The result will be sent to your phone; you need not wait here.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="86" />
        <source>已保存，将自动提交</source>
        <translation>Saved: it will be sent</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="88" />
        <source>网络暂时中断，您的申请已保存在本机，网络恢复后将自动提交。审核结果将发送到您的手机。</source>
        <translation>The network is down for now. Your application is saved on this booth and will be sent by itself when the network is back. The result will be sent to your phone.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="92" />
        <source>未能办理</source>
        <translation>Not approved</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="93" />
        <source>您的申请未通过审核，原因将发送到您的手机。如有疑问请联系人工服务。</source>
        <translation>Your application was not approved; the reason will be sent to your phone. Talk to a clerk if you have questions.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="109" />
        <source>{c}编号：{n}</source>
        <translation>{c} no. {n}</translation>
    </message>
</context>
<context>
    <name>ErrorScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/error.py" line="50" />
        <source>返回首页</source>
        <translation>Back to start</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../kiosk/ui/texts.py" line="18" />
        <source>系统出了点问题</source>
        <translation>Something went wrong</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="19" />
        <source>很抱歉，刚才的操作没有完成。您的资料没有丢失，请重试或联系人工服务。</source>
        <translation>Sorry, that did not go through. Nothing you entered is lost; please try again or talk to a clerk.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="24" />
        <source>设备设置有误</source>
        <translation>This booth is not set up correctly</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="25" />
        <source>本机暂时无法办理业务，请联系工作人员。</source>
        <translation>This booth cannot take applications right now. Please ask the staff.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="28" />
        <source>事项目录暂不可用</source>
        <translation>Service list unavailable</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="29" />
        <source>办事指南正在更新，请稍后再试或联系人工服务。</source>
        <translation>The service guides are being updated. Please try again shortly or talk to a clerk.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="32" />
        <source>设备暂时故障</source>
        <translation>A device is not working</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="33" />
        <source>有一台设备没有响应，请联系人工服务，工作人员会协助您。</source>
        <translation>A device is not responding. Please talk to a clerk, who will help you.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="38" />
        <source>设备没有响应</source>
        <translation>A device did not answer</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="39" />
        <source>设备响应超时，请稍后重试或联系人工服务。</source>
        <translation>A device took too long to answer. Please try again or talk to a clerk.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="42" />
        <source>设备通信异常</source>
        <translation>Device communication problem</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="43" />
        <source>设备返回了无法识别的数据，请联系人工服务。</source>
        <translation>A device sent data we could not understand. Please talk to a clerk.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="46" />
        <source>网络暂时中断</source>
        <translation>Network temporarily down</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="47" />
        <source>已保存您的办理内容，网络恢复后将自动提交。</source>
        <translation>Your application is saved and will be sent automatically when the network is back.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="50" />
        <source>申请未被受理</source>
        <translation>Application not accepted</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="51" />
        <source>服务中心未能受理这次申请，请联系人工服务了解原因。</source>
        <translation>The service centre could not accept this application. Please talk to a clerk to find out why.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="56" />
        <source>照片不够清晰</source>
        <translation>The photo is not clear enough</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="57" />
        <source>请将材料平放在拍摄区内，避免反光，保持不动后重新拍摄。</source>
        <translation>Lay the document flat in the capture area, avoid glare, hold still and capture again.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="62" />
        <source>本机存储异常</source>
        <translation>Storage problem on this booth</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="63" />
        <source>本机暂时无法保存办理内容，请联系人工服务，工作人员会协助您。</source>
        <translation>This booth cannot save your application right now. Please talk to a clerk, who will help you.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="68" />
        <location filename="../kiosk/ui/texts.py" line="72" />
        <source>办理已结束</source>
        <translation>This session has ended</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="69" />
        <source>本次办理已经结束，请从首页重新开始。</source>
        <translation>This session has ended. Please start again.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="73" />
        <source>为保护您的隐私，本次办理的资料已清除，请重新开始。</source>
        <translation>To protect your privacy, this session's data was erased. Please start again.</translation>
    </message>
</context>
<context>
    <name>Footer</name>
    <message>
        <location filename="../kiosk/ui/widgets/footer.py" line="52" />
        <source>返回首页</source>
        <translation>Back to start</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/footer.py" line="53" />
        <source>结束办理</source>
        <translation>Finish</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/footer.py" line="54" />
        <source>人工服务</source>
        <translation>Talk to a clerk</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../kiosk/ui/widgets/header.py" line="63" />
        <source>已用时 {t}</source>
        <translation>Time used {t}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/header.py" line="73" />
        <source>政务晓屋</source>
        <translation>Xiaowu Service Booth</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/header.py" line="74" />
        <source>24小时政务自助服务</source>
        <translation>24-hour government self-service</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/home.py" line="255" />
        <source>没有找到“{q}”相关事项。可以试试拼音首字母，或点击下方“人工服务”。</source>
        <translation>Nothing found for "{q}". Try pinyin initials, or tap "Talk to a clerk" below.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/home.py" line="260" />
        <source>找到 {n} 个与“{q}”相关的事项</source>
        <translation>{n} services found for "{q}"</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/home.py" line="262" />
        <source>共 {n} 个事项，轻触查看办事指南</source>
        <translation>{n} services. Touch one to see its guide</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/home.py" line="271" />
        <source>您要办理什么事？</source>
        <translation>What can we do for you?</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/home.py" line="272" />
        <source>搜索事项：汉字、拼音或首字母，如 gjj</source>
        <translation>Search: Chinese, pinyin or initials, e.g. gjj</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/home.py" line="273" />
        <source>拼音键盘</source>
        <translation>Keypad</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/home.py" line="279" />
        <source>全部事项</source>
        <translation>All services</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="68" />
        <source>您还在等候工作人员吗？</source>
        <translation>Are you still waiting for a clerk?</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="68" />
        <source>{n} 秒后将取消排队并结束本次办理，清除您留下的全部资料。</source>
        <translation>In {n} seconds your place in the queue is cancelled, this session ends and everything you left here is erased.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="68" />
        <source>继续等候</source>
        <translation>Keep waiting</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="68" />
        <source>不等了</source>
        <translation>Stop waiting</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="67" />
        <source>您还在吗？</source>
        <translation>Are you still there?</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="69" />
        <source>{n} 秒后将结束本次办理，并清除您留下的全部资料。</source>
        <translation>In {n} seconds this session ends and everything you left here is erased.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="71" />
        <source>我需要更多时间</source>
        <translation>I need more time</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="72" />
        <source>结束办理</source>
        <translation>Finish</translation>
    </message>
</context>
<context>
    <name>LanguageBar</name>
    <message>
        <location filename="../kiosk/ui/widgets/language_bar.py" line="40" />
        <source>长辈模式</source>
        <translation>Senior mode</translation>
    </message>
</context>
<context>
    <name>LockerScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="47" />
        <source>请投递材料原件</source>
        <translation>Please deposit your originals</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="48" />
        <source>{n} 号柜门</source>
        <translation>Locker {n}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="48" />
        <source>柜门</source>
        <translation>Locker</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="50" />
        <source>柜门正在打开，请稍候…</source>
        <translation>The locker door is opening…</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="51" />
        <source>柜门已打开。请将装有材料的信封放入柜内，然后关好柜门。</source>
        <translation>The locker is open. Put the envelope with your documents inside, then close the door.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="52" />
        <source>已收到您的材料，柜门已关闭。谢谢！</source>
        <translation>Your documents are in and the door is closed. Thank you!</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="53" />
        <source>柜门已关闭，但没有检测到物品。如需重新投递，请联系人工服务。</source>
        <translation>The door is closed but nothing was detected inside. To try again, talk to a clerk.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="54" />
        <source>柜门未能打开，工作人员将协助您处理。</source>
        <translation>The locker did not open. A clerk will help you.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="57" />
        <source>完成，下一步</source>
        <translation>Done, next step</translation>
    </message>
</context>
<context>
    <name>Modes</name>
    <message>
        <location filename="../kiosk/ui/texts.py" line="114" />
        <source>自助办理</source>
        <translation>Self-service</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="115" />
        <source>视频连线人工办理</source>
        <translation>With a clerk on video</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="116" />
        <source>自助 + 人工协助</source>
        <translation>Self-service + clerk</translation>
    </message>
</context>
<context>
    <name>PinyinKeypad</name>
    <message>
        <location filename="../kiosk/ui/widgets/keypad.py" line="49" />
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/keypad.py" line="50" />
        <source>清空</source>
        <translation>Clear</translation>
    </message>
</context>
<context>
    <name>Problems</name>
    <message>
        <location filename="../kiosk/ui/texts.py" line="99" />
        <source>身份证号码校验位不符，请核对</source>
        <translation>The ID number's check digit does not match; please check</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="100" />
        <source>身份证号码中的出生日期无效</source>
        <translation>The birth date in the ID number is not valid</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="101" />
        <source>统一社会信用代码校验不符，工作人员将核对</source>
        <translation>The credit code's check character does not match; a clerk will check it</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="104" />
        <source>金额格式不正确</source>
        <translation>The amount is not in a valid format</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="105" />
        <source>此项必须填写</source>
        <translation>This field is required</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="106" />
        <source>未能识别，请核对或手动修改</source>
        <translation>Could not be read; please check or correct it</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="108" />
        <source>请核对此项</source>
        <translation>Please check this field</translation>
    </message>
</context>
<context>
    <name>Rating</name>
    <message>
        <location filename="../kiosk/ui/texts.py" line="140" />
        <source>非常满意</source>
        <translation>Very satisfied</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="141" />
        <source>满意</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="142" />
        <source>基本满意</source>
        <translation>Fairly satisfied</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="143" />
        <source>不满意</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="144" />
        <source>非常不满意</source>
        <translation>Very dissatisfied</translation>
    </message>
</context>
<context>
    <name>RatingScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/rating.py" line="56" />
        <source>请为本次服务评价</source>
        <translation>Please rate this service</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/rating.py" line="58" />
        <source>评价对象：{s}</source>
        <translation>Rating: {s}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/rating.py" line="66" />
        <source>您的评价将直接提交至政务服务“好差评”系统，匿名处理。</source>
        <translation>Your rating goes straight to the government service rating system, anonymously.</translation>
    </message>
</context>
<context>
    <name>ServiceScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="76" />
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="77" />
        <source>咨询人工</source>
        <translation>Ask a clerk</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="78" />
        <source>开始办理</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="82" />
        <source>办事指南</source>
        <translation>Service guide</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="83" />
        <source>请先在首页选择要办理的事项。</source>
        <translation>Please choose a service on the start page first.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="101" />
        <source>原件</source>
        <translation>original</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="103" />
        <source>复印件 {n} 份</source>
        <translation>copies: {n}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="106" />
        <source>无需携带材料</source>
        <translation>Nothing to bring</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="107" />
        <source>需要准备的材料</source>
        <translation>What to bring</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="111" />
        <source>办理流程</source>
        <translation>Steps</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="114" />
        <source>需要与工作人员视频连线，工作人员会全程协助。</source>
        <translation>You will be connected to a clerk on video, who helps you throughout.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="116" />
        <source>可全程自助办理，如有疑问随时点击“人工服务”。</source>
        <translation>You can do it all yourself; tap "Talk to a clerk" any time you have a question.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="118" />
        <source>需将原件投递至本机智能柜，工作人员核验后退还或存档。</source>
        <translation>Originals go into this booth's locker; clerks check them, then return or file them.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="121" />
        <source>办结后获得：{c}，将发送至您的手机。</source>
        <translation>When done you receive: {c}, sent to your phone.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="124" />
        <source>承诺办结时限：{n} 个工作日</source>
        <translation>Time limit: {n} working days</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="125" />
        <source>办理方式</source>
        <translation>How it is done</translation>
    </message>
</context>
<context>
    <name>Steps</name>
    <message>
        <location filename="../kiosk/ui/texts.py" line="124" />
        <source>身份核验</source>
        <translation>Identity check</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="125" />
        <source>回答几个问题</source>
        <translation>Answer a few questions</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="126" />
        <source>高拍仪拍摄材料</source>
        <translation>Capture documents</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="127" />
        <source>填写申请表</source>
        <translation>Fill in the application</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="128" />
        <source>工作人员审核</source>
        <translation>Clerk review</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="129" />
        <source>原件投递至智能柜</source>
        <translation>Deposit originals in the locker</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="130" />
        <source>证照发送至手机</source>
        <translation>Certificate sent to your phone</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="131" />
        <source>评价服务</source>
        <translation>Rate the service</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="132" />
        <source>咨询工作人员</source>
        <translation>Talk to a clerk</translation>
    </message>
</context>
<context>
    <name>AssistantScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>数字业务员</source>
        <translation>Digital clerk</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>请直接说出或输入您的回答，也可以随时提问。</source>
        <translation>Say or type your answer. You may ask a question at any time.</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>在此输入…</source>
        <translation>Type here…</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>发送</source>
        <translation>Send</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>点击说话</source>
        <translation>Tap to talk</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>按住说话</source>
        <translation>Hold to talk</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>正在听，请直接说</source>
        <translation>Listening: just speak</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>正在听…</source>
        <translation>Listening…</translation>
    </message>
</context>
<context>
    <name>Recovery</name>
    <message>
        <location filename="../kiosk/ui/texts.py" line="16" />
        <source>我们回来了，从您刚才办理的地方继续。</source>
        <translation>We're back: let's continue where you were.</translation>
    </message>
</context>
</TS>
